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
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(text, &obj); err != nil {
			return row{line: j.line, err: &RowError{Line: j.line, Message: "not a JSON object: " + err.Error()}}, nil
		}
		var id string
		if err := json.Unmarshal(obj["id"], &id); err != nil || id == "" {
			return row{line: j.line, err: &RowError{Line: j.line, Field: "id",
				Message: "is required to import: it makes a resumed import update the product, not duplicate it"}}, nil
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
