package demo

// locality is a Mumbai neighbourhood: its centre, PIN code and a few of its roads.
// All lie within 10 km of Santacruz West.
type locality struct {
	name     string
	lat, lng float64
	pincode  string
	roads    []string
}

var localities = []locality{
	{"Bandra West", 19.0596, 72.8295, "400050", []string{"Hill Road", "Linking Road", "Turner Road"}},
	{"Khar West", 19.0718, 72.8361, "400052", []string{"S.V. Road", "16th Road"}},
	{"Santacruz West", 19.0822, 72.8376, "400054", []string{"Linking Road", "Tilak Road"}},
	{"Vile Parle East", 19.0990, 72.8500, "400057", []string{"Nehru Road", "Tejpal Road"}},
	{"Vile Parle West", 19.1030, 72.8370, "400056", []string{"S.V. Road", "V.M. Road"}},
	{"Juhu", 19.1075, 72.8263, "400049", []string{"Juhu Tara Road", "Gulmohar Road"}},
	{"Andheri West", 19.1364, 72.8296, "400053", []string{"Lokhandwala Back Road", "J.P. Road", "Veera Desai Road"}},
	{"Andheri East", 19.1136, 72.8697, "400069", []string{"Andheri-Kurla Road", "Sahar Road"}},
	{"Marol", 19.1197, 72.8826, "400059", []string{"Marol Maroshi Road", "Military Road"}},
	{"Jogeshwari West", 19.1357, 72.8478, "400102", []string{"S.V. Road", "Relief Road"}},
	{"Goregaon West", 19.1663, 72.8526, "400104", []string{"M.G. Road", "S.V. Road"}},
	{"Powai", 19.1176, 72.9060, "400076", []string{"Hiranandani Gardens", "Saki Vihar Road"}},
	{"Kurla West", 19.0726, 72.8845, "400070", []string{"L.B.S. Marg", "Pipe Road"}},
	{"Chembur", 19.0522, 72.9005, "400071", []string{"R.C. Marg", "Sion-Trombay Road"}},
	{"Ghatkopar West", 19.0860, 72.9081, "400086", []string{"L.B.S. Marg", "Kirol Road"}},
	{"Sion", 19.0390, 72.8619, "400022", []string{"Sion Main Road", "Road No. 3"}},
	{"Dadar West", 19.0178, 72.8478, "400028", []string{"Ranade Road", "Gokhale Road", "N.C. Kelkar Road"}},
	{"Mahim", 19.0354, 72.8423, "400016", []string{"L.J. Road", "Cadell Road"}},
}

// localityByName returns the locality called name; the shop list only names
// localities of the table above.
func localityByName(name string) locality {
	for _, l := range localities {
		if l.name == name {
			return l
		}
	}
	panic("demo: unknown locality " + name)
}

// buildings are housing societies and shopping arcades, for addresses.
var buildings = []string{
	"Sai Darshan CHS", "Shanti Niketan", "Gokul Dham", "Sea Breeze Apartments", "Krishna Kunj",
	"Laxmi Niwas", "Om Shanti Tower", "Silver Oak CHS", "Mahavir Heights", "Ganga Jamuna CHS",
	"Rizvi Park", "St. Anthony's Villa", "Neelkanth Apartments", "Jeevan Jyot", "Sunshine Plaza",
	"Pushpa Vihar", "Kailash Tower", "Hira Panna Arcade", "Dosti Acres", "Anand Bhavan",
}

// shopKind is what a shop sells and how big its range is.
type shopKind struct {
	categories []string
	weight     int // share of the products, relative to the other shops
}

var (
	kirana      = shopKind{[]string{Staples, Snacks, Beverages, Household, Dairy}, 2}
	supermarket = shopKind{[]string{Fruits, Vegetables, Dairy, Bakery, Staples, Snacks, Beverages, Household}, 3}
	greengrocer = shopKind{[]string{Fruits, Vegetables}, 1}
	dairyShop   = shopKind{[]string{Dairy, Bakery}, 1}
	bakeryShop  = shopKind{[]string{Bakery, Snacks, Beverages}, 1}
)

// shopTemplate is one of the neighbourhood's shops.
type shopTemplate struct {
	name     string
	locality string
	kind     shopKind
}

var shopTemplates = []shopTemplate{
	{"Shree Ganesh Kirana Stores", "Bandra West", kirana},
	{"Sai Krupa Provision Stores", "Khar West", kirana},
	{"Patel General Stores", "Santacruz West", kirana},
	{"Jai Ambe Fruits & Vegetables", "Vile Parle East", greengrocer},
	{"Mahalaxmi Dairy Farm", "Andheri West", dairyShop},
	{"New Kohinoor Bakery", "Bandra West", bakeryShop},
	{"Balaji Super Mart", "Andheri East", supermarket},
	{"Om Sai Fruit Centre", "Juhu", greengrocer},
	{"Shah Kirana & General Stores", "Jogeshwari West", kirana},
	{"Annapurna Provisions", "Goregaon West", kirana},
	{"FreshKart Supermarket", "Powai", supermarket},
	{"Gokuldham Milk Dairy", "Goregaon West", dairyShop},
	{"Cafe Parsi Bake House", "Dadar West", bakeryShop},
	{"Lakshmi Vegetable Mart", "Kurla West", greengrocer},
	{"Gupta Kirana Bhandar", "Chembur", kirana},
	{"Navratna Super Bazaar", "Ghatkopar West", supermarket},
	{"Krishna Milk Centre", "Sion", dairyShop},
	{"Royal Bakery & Confectionery", "Mahim", bakeryShop},
	{"Hari Om Fruits & Vegetables", "Marol", greengrocer},
	{"Vighnaharta Provision Stores", "Vile Parle West", kirana},
}

var firstNames = []string{
	"Aarav", "Aditya", "Akash", "Amit", "Ananya", "Anjali", "Arjun", "Ayesha", "Deepa", "Dhruv",
	"Divya", "Farhan", "Gaurav", "Harsh", "Ishaan", "Isha", "Kavya", "Karan", "Kiran", "Lakshmi",
	"Manish", "Meera", "Mohit", "Neha", "Nikhil", "Nisha", "Pooja", "Pranav", "Priya", "Rahul",
	"Rajesh", "Riya", "Rohan", "Sachin", "Sakshi", "Sameer", "Sana", "Sanjay", "Shreya", "Siddharth",
	"Sneha", "Sunita", "Tanvi", "Tushar", "Varun", "Vikram", "Vivek", "Yash", "Zoya", "Joseph",
}

var surnames = []string{
	"Sharma", "Patil", "Deshmukh", "Iyer", "Nair", "Shah", "Mehta", "Desai", "Kulkarni", "Joshi",
	"Fernandes", "D'Souza", "Khan", "Shaikh", "Ansari", "Rao", "Reddy", "Gupta", "Agarwal", "Jain",
	"Pillai", "Menon", "Chavan", "Jadhav", "Pawar", "Sawant", "Naik", "Gaikwad", "Kapoor", "Malhotra",
	"Singh", "Verma", "Banerjee", "Mukherjee", "Ghosh", "Bhatt", "Trivedi", "Pandey", "Mishra", "Parsekar",
}
