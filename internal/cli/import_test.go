package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/internal/cli"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestImportResumesWithoutDuplicates imports a CSV file whose first run is
// interrupted after its second batch: the second run resumes from the state
// file, and in the end every good row is one product with one create audit
// row, and every bad row one line of the errors file.
func TestImportResumesWithoutDuplicates(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Open(t, kind)
			svc := market.New(st, nil)
			admin := mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}
			_, err := svc.CreateUser(ctx, admin, market.CreateUser{ID: "olga", Email: "olga@example.com", Name: "Olga"})
			fatalIf(t, err)
			_, err = svc.CreateShop(ctx, admin, market.CreateShop{ID: "shop-a", Name: "Kirana", OwnerID: "olga",
				Location: &mohalla.Location{Lat: 19.07, Lng: 72.87}, Pincode: "400050"})
			fatalIf(t, err)
			signer, err := auth.NewSigner([]byte("cli-import-test-secret-0123456789"))
			fatalIf(t, err)
			token, err := signer.Sign(mohalla.Caller{ID: "olga", Role: mohalla.RoleShopOwner}, time.Hour)
			fatalIf(t, err)

			runCtx, interrupt := context.WithCancel(ctx)
			defer interrupt()
			var batches atomic.Int64
			api := httpapi.New(svc, signer, nil)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				api.ServeHTTP(w, r)
				if r.URL.Path == "/v1/products/batch" && batches.Add(1) == 2 {
					interrupt() // as if the user pressed Ctrl-C while the third batch was on its way
				}
			}))
			defer srv.Close()

			// 1,200 rows, three of them bad: a negative price, a missing id, a missing name.
			dir := t.TempDir()
			file := filepath.Join(dir, "catalogue.csv")
			var b strings.Builder
			b.WriteString("id,name,price,category,stock,unit\n")
			bad := map[int]string{}
			for i := range 1200 {
				line := i + 2
				switch i {
				case 100:
					bad[line] = "price: must not be negative"
					fmt.Fprintf(&b, "p%04d,Atta %d,-1,staples,5,kg\n", i, i)
				case 700:
					bad[line] = "id: is required to import"
					fmt.Fprintf(&b, ",Atta %d,10,staples,5,kg\n", i)
				case 1100:
					bad[line] = "name: is required"
					fmt.Fprintf(&b, "p%04d,,10,staples,5,kg\n", i)
				default:
					fmt.Fprintf(&b, "p%04d,\"Atta, %d\",%d.50,staples,%d,kg\n", i, i, 10+i%90, i%50)
				}
			}
			fatalIf(t, os.WriteFile(file, []byte(b.String()), 0o644))

			importRun := func(ctx context.Context) (int, string, string) {
				var out, errs bytes.Buffer
				c := cli.New(&cli.Config{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }})
				code := c.Run(ctx, []string{"import", "products", file, "--shop", "shop-a", "--url", srv.URL,
					"--token", token, "--batch", "250", "--parallel", "1"})
				return code, out.String(), errs.String()
			}
			code, stdout, stderr := importRun(runCtx)
			if code != 1 || !strings.Contains(stderr, "run the same command again to resume") {
				t.Fatalf("interrupted import: exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			if _, err := os.Stat(file + ".import-state"); err != nil {
				t.Fatalf("the interrupted import left no state: %v", err)
			}
			code, stdout, stderr = importRun(ctx)
			if code != 0 || !strings.Contains(stdout, "1200 rows") || !strings.Contains(stdout, "3 refused") ||
				!strings.Contains(stdout, "resumed after") {
				t.Fatalf("resumed import: exit %d\n%s%s", code, stdout, stderr)
			}
			if _, err := os.Stat(file + ".import-state"); !os.IsNotExist(err) {
				t.Errorf("the state file is still there after the import completed: %v", err)
			}

			sys := store.AsSystem(ctx, "test")
			products := 0
			for after := ""; ; {
				ps, err := st.Read().ListProducts(sys, store.ProductFilter{ShopID: "shop-a", After: after, Limit: 500})
				fatalIf(t, err)
				if len(ps) == 0 {
					break
				}
				products += len(ps)
				after = ps[len(ps)-1].ID
			}
			creates, err := st.Read().ListAudit(sys, store.AuditFilter{Action: mohalla.AuditProductCreate, Limit: 5000})
			fatalIf(t, err)
			if products != 1197 || len(creates) != 1197 {
				t.Errorf("%d products and %d create audit rows, want 1197 of each", products, len(creates))
			}
			p, err := svc.Product(ctx, "p0003")
			fatalIf(t, err)
			if p.Name != "Atta, 3" || p.Price != 1350 || p.Unit != "kg" {
				t.Errorf("p0003 = %+v", p)
			}

			errs, err := os.ReadFile(file + ".errors")
			fatalIf(t, err)
			lines := strings.Split(strings.TrimSpace(string(errs)), "\n")
			if len(lines) != len(bad) {
				t.Fatalf("errors file has %d lines, want %d:\n%s", len(lines), len(bad), errs)
			}
			for _, l := range lines {
				var n int
				fmt.Sscanf(l, "line %d:", &n)
				if want, ok := bad[n]; !ok || !strings.Contains(l, want) {
					t.Errorf("errors file line %q, want line %d: %s", l, n, want)
				}
			}

			// Importing it all again changes nothing.
			var out bytes.Buffer
			c := cli.New(&cli.Config{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
				if k == "MOHALLA_TOKEN" {
					return token
				}
				return ""
			}})
			if code := c.Run(ctx, []string{"import", "products", file, "--shop", "shop-a", "--url", srv.URL}); code != 0 ||
				!strings.Contains(out.String(), "0 created, 0 updated, 1197 unchanged, 3 refused") {
				t.Errorf("a second import: exit %d\n%s", code, out.String())
			}

			// JSON Lines: an object a line, blank lines skipped, each bad line named.
			jsonl := filepath.Join(dir, "more.jsonl")
			fatalIf(t, os.WriteFile(jsonl, []byte(`{"id":"j1","name":"Jowar","price":55,"category":"staples","stock":3}`+"\n\n"+
				`{"id":"j2","name":`+"\n"+`{"name":"No id","price":1,"category":"staples","stock":1}`+"\n"), 0o644))
			out.Reset()
			if code := c.Run(ctx, []string{"import", "products", jsonl, "--shop", "shop-a", "--url", srv.URL}); code != 0 ||
				!strings.Contains(out.String(), "1 created, 0 updated, 0 unchanged, 2 refused") {
				t.Errorf("a JSON Lines import: exit %d\n%s", code, out.String())
			}
			errs, err = os.ReadFile(jsonl + ".errors")
			fatalIf(t, err)
			if !strings.HasPrefix(string(errs), "line 3: not a JSON object") || !strings.Contains(string(errs), "line 4: id: is required") {
				t.Errorf("the JSON Lines errors file:\n%s", errs)
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import"}, "import needs what to import"},
		{[]string{"import", "products", "--shop", "s"}, "import products needs a FILE"},
		{[]string{"import", "products", "f.csv"}, "import products needs --shop"},
		{[]string{"import", "products", "f.csv", "--shop", "s"}, "needs a token"},
		{[]string{"import", "products", "f.csv", "--shop", "s", "--token", "t", "--batch", "1001"}, "--batch must be 1 to 1000"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("mohalla %s: exit %d, stderr:\n%s\nwant exit 2 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
