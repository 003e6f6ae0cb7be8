package typesenseapi

// Collection is a collection's schema, as GET /collections/{name} answers.
type Collection struct {
	Name                string  `json:"name"`
	NumDocuments        uint64  `json:"num_documents"`
	Fields              []Field `json:"fields"`
	DefaultSortingField string  `json:"default_sorting_field"`
	CreatedAt           int64   `json:"created_at"`
}

// Field is one field of a collection's documents. Index says whether q
// searches it; location is the product's shop's place, which products are
// filtered and sorted by but do not hold themselves.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Facet    bool   `json:"facet"`
	Optional bool   `json:"optional"`
	Index    bool   `json:"index"`
	Sort     bool   `json:"sort"`
}

// schemas are the collections served, by name.
var schemas = map[string]Collection{
	collectionProducts: {Name: collectionProducts, Fields: []Field{
		{Name: "id", Type: "string"},
		{Name: "name", Type: "string", Index: true},
		{Name: "category", Type: "string", Facet: true},
		{Name: "shopId", Type: "string", Facet: true},
		{Name: "price", Type: "float", Sort: true},
		{Name: "unit", Type: "string", Optional: true},
		{Name: "stock", Type: "int64"},
		{Name: "version", Type: "int64"},
		{Name: "location", Type: "geopoint", Optional: true, Sort: true},
	}},
	collectionShops: {Name: collectionShops, Fields: []Field{
		{Name: "id", Type: "string"},
		{Name: "name", Type: "string", Index: true},
		{Name: "location", Type: "geopoint", Sort: true},
		{Name: "pincode", Type: "string"},
		{Name: "address", Type: "string", Optional: true},
		{Name: "version", Type: "int64"},
	}},
}
