// Package demo builds a realistic neighbourhood marketplace in Mumbai's suburbs
// (customers, shop owners, shops and their products) and writes it through
// market.Service, so demo data passes the same rules, events and audit as real
// traffic. The neighbourhood is a pure function of Config: the same seed gives
// the same people, shops and products with the same ids, which is what makes
// seeding twice harmless.
package demo

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/mohallamart/mohalla"
)

// Config says how big a neighbourhood to build. The zero value builds the
// default demo: 300 people, 20 shops and 3,000 products from seed 1.
type Config struct {
	// Seed picks the neighbourhood. Default 1.
	Seed int64
	// Users is the number of people, at least Shops+1: the first Shops own the
	// shops, the others are customers. Default 300.
	Users int
	// Shops is the number of shops. Default 20.
	Shops int
	// Products is the number of products, spread over the shops by size.
	// Default 3,000.
	Products int
	// Stock, when positive, is every product's starting stock (benches want stock
	// that never runs out). Default: a realistic 0 to 400 per product.
	Stock int64
	// Workers is how many creates Seed runs at once. Default 8.
	Workers int
	// Logger reports progress, at debug level. Default: discard.
	Logger *slog.Logger
}

func (c *Config) withDefaults() (Config, error) {
	var d Config
	if c != nil {
		d = *c
	}
	d.Seed = cmp.Or(d.Seed, 1)
	d.Users = cmp.Or(d.Users, 300)
	d.Shops = cmp.Or(d.Shops, 20)
	d.Products = cmp.Or(d.Products, 3000)
	d.Workers = cmp.Or(d.Workers, 8)
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case d.Shops < 1 || d.Users < d.Shops+1:
		return d, fmt.Errorf("demo: need at least one shop and more users (%d) than shops (%d)", d.Users, d.Shops)
	case d.Products < 0 || d.Stock < 0 || d.Workers < 1:
		return d, errors.New("demo: products, stock and workers must not be negative")
	}
	return d, nil
}

// Person is a user of the neighbourhood: a customer or a shop owner.
type Person struct {
	mohalla.User
	Role mohalla.Role
	// Home is where the person's orders are delivered.
	Home mohalla.Address
}

// Caller returns the person as a signed-in caller.
func (p Person) Caller() mohalla.Caller {
	return mohalla.Caller{ID: p.ID, Role: p.Role, Email: p.Email}
}

// Neighbourhood is what Generate plans and Seed writes. Products lists each
// product with its starting stock.
type Neighbourhood struct {
	People   []Person
	Shops    []mohalla.Shop
	Products []mohalla.Product
	// Written counts what Seed wrote; the rest was there already. Generate
	// leaves it zero.
	Written Counts
}

// Counts are numbers of users, shops and products.
type Counts struct {
	Users, Shops, Products int
}

// Customers returns the people who are not shop owners.
func (n *Neighbourhood) Customers() []Person {
	var out []Person
	for _, p := range n.People {
		if p.Role == mohalla.RoleCustomer {
			out = append(out, p)
		}
	}
	return out
}

// The kinds of entity, each with its own random stream, so that entity i is the
// same whatever the number of entities after it: a bigger neighbourhood extends
// a smaller one of the same seed instead of contradicting it.
const (
	streamPerson = iota + 1
	streamShop
	streamShopRange
	streamProduct
)

func stream(seed int64, kind, i int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(kind)<<40|uint64(i)))
}

// Generate plans the neighbourhood cfg describes without writing anything.
func Generate(cfg *Config) (*Neighbourhood, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &Neighbourhood{
		People:   make([]Person, c.Users),
		Shops:    make([]mohalla.Shop, c.Shops),
		Products: make([]mohalla.Product, c.Products),
	}
	for i := range n.People {
		n.People[i] = person(c.Seed, i, i < c.Shops)
	}
	ranges := make([][]article, c.Shops)
	weights := make([]int, c.Shops)
	for i := range n.Shops {
		var kind shopKind
		n.Shops[i], kind = shop(c.Seed, i, n.People[i].ID)
		ranges[i] = shopRange(c.Seed, i, kind)
		weights[i] = kind.weight
	}
	shelved := make([]int, c.Shops) // products placed so far, per shop
	for k := range n.Products {
		r := stream(c.Seed, streamProduct, k)
		s := pick(r, weights)
		n.Products[k] = product(r, k, n.Shops[s].ID, ranges[s], shelved[s], c.Stock)
		shelved[s]++
	}
	return n, nil
}

func person(seed int64, i int, owner bool) Person {
	r := stream(seed, streamPerson, i)
	first, last := oneOf(r, firstNames), oneOf(r, surnames)
	handle := strings.ToLower(first + "." + strings.NewReplacer("'", "", " ", "").Replace(last))
	home := oneOf(r, localities)
	p := Person{
		User: mohalla.User{
			ID:    fmt.Sprintf("demo-user-%04d", i+1),
			Name:  first + " " + last,
			Email: fmt.Sprintf("%s%d@example.in", handle, i+1),
			Phone: fmt.Sprintf("+91 %d%04d %05d", 7+r.IntN(3), r.IntN(10000), r.IntN(100000)),
		},
		Role: mohalla.RoleCustomer,
		Home: mohalla.Address{
			Street: fmt.Sprintf("Flat %d%02d, %s, %s, %s", 1+r.IntN(12), 1+r.IntN(8), oneOf(r, buildings),
				oneOf(r, home.roads), home.name),
			City: "Mumbai", Pincode: home.pincode, State: "Maharashtra",
		},
	}
	if owner {
		p.Role = mohalla.RoleShopOwner
	}
	return p
}

func shop(seed int64, i int, ownerID string) (mohalla.Shop, shopKind) {
	r := stream(seed, streamShop, i)
	t := shopTemplates[i%len(shopTemplates)]
	name, where := t.name, localityByName(t.locality)
	if branch := i / len(shopTemplates); branch > 0 {
		name = fmt.Sprintf("%s (Branch %d)", name, branch+1)
		where = oneOf(r, localities)
	}
	// Within about 400 m of the locality's centre.
	lat := where.lat + (r.Float64()-0.5)*0.007
	lng := where.lng + (r.Float64()-0.5)*0.007
	return mohalla.Shop{
		ID:       fmt.Sprintf("demo-shop-%02d", i+1),
		Name:     name,
		OwnerID:  ownerID,
		Location: mohalla.Location{Lat: round6(lat), Lng: round6(lng)},
		Pincode:  where.pincode,
		Address: fmt.Sprintf("Shop No. %d, %s, %s, %s, Mumbai", 1+r.IntN(24), oneOf(r, buildings),
			oneOf(r, where.roads), where.name),
	}, t.kind
}

// article is an sku on a shop's shelf, with its category.
type article struct {
	sku
	category string
}

// shopRange is the articles a shop stocks, in the order it adds them.
func shopRange(seed int64, i int, kind shopKind) []article {
	var all []article
	for _, c := range kind.categories {
		for _, s := range catalogue[c] {
			all = append(all, article{s, c})
		}
	}
	r := stream(seed, streamShopRange, i)
	r.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	return all
}

// product is the shop's nth product. Once a shop has shelved its whole range, it
// adds organic produce and multipacks.
func product(r *rand.Rand, k int, shopID string, shelf []article, nth int, stock int64) mohalla.Product {
	s := shelf[nth%len(shelf)]
	name, unit, price := s.name, s.unit, s.price
	switch round := nth / len(shelf); {
	case round == 0:
	case round == 1 && (s.category == Fruits || s.category == Vegetables):
		name = "Organic " + name
		price = price * 140 / 100
	default:
		pack := round + 1
		name = fmt.Sprintf("%s (Pack of %d)", name, pack)
		unit = fmt.Sprintf("%d × %s", pack, unit)
		price = price * mohalla.Money(pack) * 95 / 100 // a multipack is a little cheaper
	}
	// Each shop prices within 8% of the typical price, in whole rupees or
	// fifty paise.
	price = price * mohalla.Money(92+r.IntN(17)) / 100
	if r.IntN(5) == 0 {
		price = max(50, (price+25)/50*50)
	} else {
		price = max(100, (price+50)/100*100)
	}
	if stock == 0 {
		switch x := r.IntN(100); {
		case x < 4:
			stock = 0 // out of stock
		case x < 14:
			stock = 1 + r.Int64N(10) // running low
		default:
			stock = 15 + r.Int64N(386)
		}
	}
	p := mohalla.Product{
		ID:       fmt.Sprintf("demo-product-%05d", k+1),
		ShopID:   shopID,
		Name:     name,
		Price:    price,
		Category: s.category,
		Unit:     unit,
		Stock:    stock,
	}
	if d := descriptions[s.category]; len(d) > 0 {
		p.Description = oneOf(r, d)
	}
	return p
}

// pick returns an index with probability proportional to its weight.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func oneOf[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
