package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// row is one product of the file: its line (1-based; a CSV file's header is
// line 1) and the item to send, or why it cannot be sent.
type row struct {
	line int
	item json.RawMessage
	err  *RowError
}

// reader yields the rows of a CSV or JSON Lines file.
type reader interface {
	next() (row, error) // io.EOF after the last
}

// csvColumns are the CSV header's names, as the API's fields: the JSON names,
// or the same in snake_case.
var csvColumns = map[string]string{
	"id": "id", "name": "name", "description": "description", "price": "price", "category": "category",
	"shopid": "shopId", "shop_id": "shopId", "stock": "stock", "unit": "unit",
	"lowstockthreshold": "lowStockThreshold", "low_stock_threshold": "lowStockThreshold",
}

var numberColumns = map[string]bool{"price": true, "stock": true, "lowStockThreshold": true}

type csvReader struct {
	r      *csv.Reader
	cols   []string
	shopID string
}

func newCSVReader(r io.Reader, shopID string) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read the CSV header: %w", err)
	}
	c := &csvReader{r: cr, shopID: shopID}
	hasID := false
	for _, h := range header {
		name, ok := csvColumns[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]
		if !ok {
			return nil, fmt.Errorf("CSV column %q is not a product field (id, name, description, price, category, shopId, stock, unit, lowStockThreshold)", h)
		}
		hasID = hasID || name == "id"
		c.cols = append(c.cols, name)
	}
	if !hasID {
		return nil, errors.New("the CSV file needs an id column: a product's id is what makes a resumed or repeated import update it, not duplicate it")
	}
	return c, nil
}

func (c *csvReader) next() (row, error) {
	rec, err := c.r.Read()
	line, _ := c.r.FieldPos(0)
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return row{line: pe.StartLine, err: &RowError{Line: pe.StartLine, Message: "not a valid CSV record: " + pe.Err.Error()}}, nil
	}
	if err != nil {
		return row{}, err
	}
	if len(rec) != len(c.cols) {
		return row{line: line, err: &RowError{Line: line, Message: fmt.Sprintf("has %d fields; the header has %d", len(rec), len(c.cols))}}, nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	hasShop := false
	for i, v := range rec {
		name := c.cols[i]
		if v == "" && name != "id" {
			continue // absent: the API says whether it is required
		}
		hasShop = hasShop || name == "shopId"
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeString(&b, name)
		b.WriteByte(':')
		if _, err := strconv.ParseFloat(v, 64); numberColumns[name] && err == nil {
			b.WriteString(strings.TrimSpace(v)) // the API holds it to its rules
		} else {
			writeString(&b, v) // a string where a number belongs is the API's item error
		}
	}
	if !hasShop {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeString(&b, "shopId")
		b.WriteByte(':')
		writeString(&b, c.shopID)
	}
	b.WriteByte('}')
	r := row{line: line, item: b.Bytes()}
	if rec[slices.Index(c.cols, "id")] == "" {
		r.err = &RowError{Line: line, Field: "id", Message: "is required to import: it makes a resumed import update the product, not duplicate it"}
	}
	return r, nil
}

func writeString(b *bytes.Buffer, s string) {
	j, _ := json.Marshal(s)
	b.Write(j)
}

type jsonlReader struct {
	s      *bufio.Scanner
	line   int
	shopID string
}

func newJSONLReader(r io.Reader, shopID string) *jsonlReader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 16<<20)
	return &jsonlReader{s: s, shopID: shopID}
}

func (j *jsonlReader) next() (row, error) {
	for j.s.Scan() {
		j.line++
		text := bytes.TrimSpace(j.s.Bytes())
		if len(text) == 0 {
			continue
		}
		if item, id, ok := passThrough(text, j.shopID); ok {
			if id == "" {
				return row{line: j.line, err: errNoID(j.line)}, nil
			}
			return row{line: j.line, item: item}, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(text, &obj); err != nil {
			return row{line: j.line, err: &RowError{Line: j.line, Message: "not a JSON object: " + err.Error()}}, nil
		}
		var id string
		if err := json.Unmarshal(obj["id"], &id); err != nil || id == "" {
			return row{line: j.line, err: errNoID(j.line)}, nil
		}
		if _, ok := obj["shopId"]; !ok {
			obj["shopId"], _ = json.Marshal(j.shopID)
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return row{}, err
		}
		return row{line: j.line, item: b}, nil
	}
	if err := j.s.Err(); err != nil {
		return row{}, fmt.Errorf("line %d: %w", j.line+1, err)
	}
	return row{}, io.EOF
}

func errNoID(line int) *RowError {
	return &RowError{Line: line, Field: "id",
		Message: "is required to import: it makes a resumed import update the product, not duplicate it"}
}

// passThrough returns a JSON Lines row as the item to send: its own text
// (a copy), with a "shopId" member of shopID added when it names none, and
// its id ("" when it has none that is a string). ok is false for a line it
// leaves to the decoding path (next): one that is not a valid JSON object, or
// whose object has a key twice, which the API refuses (the decoding path
// keeps the last, as before). Decoding each row into a map and encoding it
// again to add the shop cost the import about 7 µs a row of its CPU.
func passThrough(text []byte, shopID string) (item []byte, id string, ok bool) {
	if text[0] != '{' || !json.Valid(text) {
		return nil, "", false
	}
	var keys [16]string
	seen := keys[:0]
	hasShop := false
	for i := skipSpace(text, 1); text[i] != '}'; {
		end := skipValue(text, i) // the key
		key := string(text[i+1 : end-1])
		if bytes.IndexByte(text[i:end], '\\') >= 0 {
			if json.Unmarshal(text[i:end], &key) != nil {
				return nil, "", false
			}
		}
		if slices.Contains(seen, key) {
			return nil, "", false
		}
		seen = append(seen, key)
		i = skipSpace(text, skipSpace(text, end)+1) // past the colon
		end = skipValue(text, i)
		switch key {
		case "id":
			id = ""
			if text[i] == '"' && json.Unmarshal(text[i:end], &id) != nil {
				return nil, "", false
			}
		case "shopId":
			hasShop = true
		}
		i = skipSpace(text, end)
		if text[i] == ',' {
			i = skipSpace(text, i+1)
		}
	}
	if hasShop {
		return bytes.Clone(text), id, true
	}
	shop, _ := json.Marshal(shopID)
	item = make([]byte, 0, len(text)+len(shop)+12)
	item = append(item, text[:len(text)-1]...) // all but the closing brace
	if len(seen) > 0 {
		item = append(item, ',')
	}
	item = append(item, `"shopId":`...)
	item = append(item, shop...)
	return append(item, '}'), id, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns where the JSON value at b[i] ends; b is valid JSON.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
