package search

import (
	"bytes"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/mohallamart/mohalla"
)

// The fields of the index. Documents are built field by field (not through a
// Bleve mapping), so each field costs exactly what its options say: text is
// indexed without term vectors, keywords are one term, only what is sorted,
// filtered or counted on has doc values, and one compact stored field holds
// what a hit shows.
const (
	fieldKind     = "kind"     // "p" or "s": counts documents of each kind
	fieldName     = "name"     // product name, analyzed
	fieldColumns  = "col"      // a product's values that searches filter, count and sort by (columns.go)
	fieldShopName = "shopName" // shop name, analyzed
	fieldShopLoc  = "shopLoc"  // geopoint of a shop
	fieldShopKey  = "sk"       // shop id: sorts shops at the same distance
	fieldSource   = "src"      // stored only: what a hit shows (source.go)
)

const (
	kindProduct = "p"
	kindShop    = "s"
)

func productDocID(id string) string { return "p:" + id }
func shopDocID(id string) string    { return "s:" + id }

// textAnalyzer splits text into words by Unicode rules and folds each word to
// lower case without diacritics or apostrophes, keeping the byte offsets of the
// original text so that highlights can mark it. A plural word is indexed as
// itself and as its singular, at the same place, so "apples" finds "Apple" and
// "apple" finds "Apples".
var textAnalyzer analysis.Analyzer = &analysis.DefaultAnalyzer{
	CharFilters:  []analysis.CharFilter{separators{}},
	Tokenizer:    unicode.NewUnicodeTokenizer(),
	TokenFilters: []analysis.TokenFilter{foldFilter{asciifolding.New()}, singularFilter{}},
}

// queryAnalyzer is textAnalyzer without the singulars, which queries add themselves.
var queryAnalyzer analysis.Analyzer = &analysis.DefaultAnalyzer{
	CharFilters:  []analysis.CharFilter{separators{}},
	Tokenizer:    unicode.NewUnicodeTokenizer(),
	TokenFilters: []analysis.TokenFilter{foldFilter{asciifolding.New()}},
}

// analyzed is a text analyzed once, by textAnalyzer: as the analyzer of
// its field it hands Bleve those tokens, and a product's columns count its
// name's words from them, where they analyzed the name a second time.
type analyzed analysis.TokenStream

func (a analyzed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

type foldFilter struct {
	ascii *asciifolding.AsciiFoldingFilter
}

var apostrophes = strings.NewReplacer("'", "", "’", "")

// Filter folds each word and drops its apostrophes, and a possessive "'s"
// ("Haldiram's" -> "haldiram", "D'Souza" -> "dsouza").
func (f foldFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	out := ts[:0]
	for _, t := range ts {
		w := string(f.ascii.Filter(bytes.ToLower(t.Term)))
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if w = apostrophes.Replace(w); w != "" {
			t.Term = []byte(w)
			out = append(out, t)
		}
	}
	return out
}

// separators turns the characters Unicode lets join words but shoppers do not
// ("name:bread") into spaces, byte for byte, so offsets still hold.
type separators struct{}

func (separators) Filter(b []byte) []byte {
	return bytes.Map(func(r rune) rune {
		if r == ':' {
			return ' '
		}
		return r
	}, b)
}

type singularFilter struct{}

func (singularFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(ts))
	for _, t := range ts {
		out = append(out, t)
		if s := singular(string(t.Term)); s != string(t.Term) {
			c := *t
			c.Term = []byte(s)
			out = append(out, &c)
		}
	}
	return out
}

// singular strips an English plural ending, as Lucene's minimal English
// stemmer does: "apples" -> "apple", "berries" -> "berry"; "glass" and
// "tomatoes" stay.
func singular(w string) string {
	n := len(w)
	if n < 4 || w[n-1] != 's' {
		return w
	}
	switch w[n-2] {
	case 'u', 's':
		return w
	case 'e':
		if w[n-3] == 'i' && w[n-4] != 'a' && w[n-4] != 'e' {
			return w[:n-3] + "y"
		}
		if strings.IndexByte("iaoe", w[n-3]) >= 0 {
			return w
		}
	}
	return w[:n-1]
}

// withDocValues is how a shop field that Bleve sorts on is indexed. Sorting
// reads the value of every hit, which are scattered over the index: storing
// each value on its own, uncompressed, reads just that value instead of
// decompressing a chunk of a thousand for each.
const withDocValues = index.IndexField | index.DocValues | index.SkipDVChunking | index.SkipDVCompression

// columnsOptions is how a product's column value is indexed: its doc values
// are read once per segment, in order (columns.go), so Bleve's default chunked
// and compressed doc values suit it.
const columnsOptions = index.IndexField | index.DocValues

func keyword(name, value string, dv bool) *document.TextField {
	opts := index.IndexField
	if dv {
		opts = withDocValues
	}
	return document.NewTextFieldCustom(name, nil, []byte(value), opts, nil)
}

func stored(b []byte) *document.TextField {
	return document.NewTextFieldWithIndexingOptions(fieldSource, nil, b, index.StoreField)
}

// productDocument builds the document of p: its name to match, its columns to
// filter, count and sort by, and its source to show. It holds nothing of p's
// shop but its id: searches near a point find the shops in range in the shop
// table and filter and sort products by shop id, so a shop that moves
// re-indexes one document, not all its products.
func productDocument(p mohalla.Product) *document.Document {
	d := document.NewDocument(productDocID(p.ID))
	d.AddField(keyword(fieldKind, kindProduct, false))
	name := analyzed(textAnalyzer.Analyze([]byte(p.Name)))
	d.AddField(document.NewTextFieldCustom(fieldName, nil, []byte(p.Name), index.IndexField, name))
	d.AddField(document.NewTextFieldCustom(fieldColumns, nil, []byte(columnsValue(p, name.words())), columnsOptions, nil))
	d.AddField(stored(productSource{Name: p.Name, ShopID: p.ShopID, Category: p.Category, Price: int64(p.Price),
		Unit: p.Unit, Stock: p.Stock, Version: p.Version}.encode()))
	return d
}

// shopDocument builds the document of sh.
func shopDocument(sh mohalla.Shop) *document.Document {
	d := document.NewDocument(shopDocID(sh.ID))
	d.AddField(keyword(fieldKind, kindShop, false))
	d.AddField(document.NewTextFieldCustom(fieldShopName, nil, []byte(sh.Name), index.IndexField, textAnalyzer))
	d.AddField(document.NewGeoPointFieldWithIndexingOptions(fieldShopLoc, nil, sh.Location.Lng, sh.Location.Lat,
		withDocValues))
	d.AddField(keyword(fieldShopKey, sh.ID, true))
	d.AddField(stored(shopSource{Name: sh.Name, Lat: sh.Location.Lat, Lng: sh.Location.Lng, Pincode: sh.Pincode,
		Address: sh.Address, Version: sh.Version}.encode()))
	return d
}
