package search

import "testing"

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"atta", "tata", 2, 1}, // a swap is one edit
		{"aples", "apple", 2, 2},
		{"bananna", "banana", 2, 1},
		{"paneer", "panner", 1, 1},
		{"milk", "silk", 1, 1},
		{"kiwi", "banana", 2, 3},
		{"दूध", "दूध", 0, 0},
	} {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

func TestHighlightMarksMatchedWordsAndEscapes(t *testing.T) {
	t.Parallel()
	h := highlight(`Amul <Butter> & "Salted" Butters`, queryWords("amul buter"), matching{typos: true})
	want := `<mark>Amul</mark> &lt;<mark>Butter</mark>&gt; &amp; &#34;Salted&#34; <mark>Butters</mark>`
	if h.Name != want {
		t.Errorf("highlight\n got %s\nwant %s", h.Name, want)
	}
	if len(h.Words) != 3 {
		t.Errorf("words %q, want Amul, Butter, Butters", h.Words)
	}
	if h := highlight("Organic Shimla Apple", queryWords("organic app"), matching{}); h.Name != "<mark>Organic</mark> Shimla <mark>Apple</mark>" {
		t.Errorf("prefix highlight %s", h.Name)
	}
}

// A name's words are counted once each, from the analysis its field is
// indexed with: a plural's singular, added at the plural's place, is not
// another word, nor is a possessive's "'s" or a separator.
func TestNameWords(t *testing.T) {
	for name, want := range map[string]int{
		"Apples":                      1,
		"Fresh Berries and Tomatoes":  4,
		"Lay's India's Magic Masala":  4,
		"Haldiram’s Bhujia 200g":      3,
		"name:bread":                  2,
		"":                            1,
		"Toor Dal (Arhar) 1 kg packs": 6,
	} {
		if got := analyzed(textAnalyzer.Analyze([]byte(name))).words(); got != want {
			t.Errorf("%q: %d words, want %d", name, got, want)
		}
	}
}
