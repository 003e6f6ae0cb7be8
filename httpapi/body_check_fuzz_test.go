package httpapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
)

// FuzzCheckBody: any body either is refused with a 4xx the caller can read
// (an httpError or an EINVALID), or is checked and, decoded, holds no NUL in
// any string and no money beyond range.
func FuzzCheckBody(f *testing.F) {
	for _, s := range []string{
		`{"userId":"alice","items":[{"productId":"milk","quantity":1,"price":30}],"totalAmount":30,` +
			`"deliveryAddress":{"street":"s","city":"c","pincode":"400050","state":"st"}}`,
		`null`, `[]`, `{}`, `{"userId":"a","userId":"b"}`, `{"userId":null}`, `{"items":[{"quantity":1e3}]}`,
		`{"items":[{"quantity":` + strings.Repeat("1", 40) + `}]}`, `{"totalAmount":1E400}`, `{"userId":"a\u0000"}`,
		`{"deliveryAddress":{}}`, `{"deliveryAddress":{"street":"a\tb"}}`, "{\"userId\":\"\xff\"}", `{"zzz":1}`,
		`{"items":[null]}`, `{"items":{"productId":"x"}}`, `{"totalAmount":"30"}`, `{`, `{"a":1} {}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		err := checkBody([]byte(body), reflect.TypeFor[market.CreateOrder]())
		if err != nil {
			var he *httpError
			if errors.As(err, &he) && he.Status >= 400 && he.Status < 500 {
				return
			}
			if mohalla.ErrorCode(err) != mohalla.EINVALID {
				t.Fatalf("checkBody(%q) = %v, neither a 4xx nor EINVALID", body, err)
			}
			return
		}
		var in market.CreateOrder
		if json.Unmarshal([]byte(body), &in) != nil {
			return
		}
		b, _ := json.Marshal(in)
		if strings.Contains(string(b), `\u0000`) {
			t.Fatalf("checkBody(%q) passed a NUL: %s", body, b)
		}
	})
}
