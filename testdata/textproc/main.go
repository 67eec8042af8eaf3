// textproc exercises ordinary library code: strings.Builder, strconv, sort,
// unicode/utf8, encoding/json (reflection), crypto/sha256 and math/big.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

type record struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Ratio float64           `json:"ratio"`
	Tags  []string          `json:"tags,omitempty"`
	Meta  map[string]string `json:"meta"`
}

func main() {
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		b.WriteString(strconv.Itoa(i * i))
		b.WriteByte(',')
	}
	s := b.String()
	fmt.Println("builder: len", len(s), "fields", len(strings.Split(strings.TrimSuffix(s, ","), ",")))
	fmt.Printf("sha256: %x\n", sha256.Sum256([]byte(s)))

	fmt.Println("strconv:", strconv.FormatFloat(math.Pi, 'g', -1, 64), strconv.FormatInt(-255, 16),
		strconv.Quote("héllo\n"), strconv.FormatFloat(1e21, 'e', 3, 64))
	f, err := strconv.ParseFloat("2.718281828459045", 64)
	fmt.Println("parse:", f, err)
	_, err = strconv.Atoi("12x")
	fmt.Println("atoi error:", err)

	words := strings.Fields("the quick brown fox jumps over the lazy dog étoile ünïcode")
	sort.Strings(words)
	fmt.Println("sorted:", strings.Join(words, " "))
	sort.Slice(words, func(i, j int) bool {
		ri, rj := utf8.RuneCountInString(words[i]), utf8.RuneCountInString(words[j])
		return ri > rj || (ri == rj && words[i] < words[j])
	})
	fmt.Println("by length:", words)
	fmt.Println("upper:", strings.ToUpper("ünïcode straße"), strings.Repeat("ab", 3), strings.Count("cheese", "e"))

	recs := []record{
		{Name: "alpha", Count: 3, Ratio: 0.25, Tags: []string{"x", "y"}, Meta: map[string]string{"b": "2", "a": "1"}},
		{Name: "beta", Count: -1, Ratio: 1e-9, Meta: nil},
	}
	out, err := json.Marshal(recs)
	fmt.Println("json:", string(out), err)
	var back []record
	err = json.Unmarshal(out, &back)
	fmt.Printf("unjson: %+v %v\n", back, err)

	fact := new(big.Int).MulRange(1, 50)
	fmt.Println("50! =", fact.String())
	fmt.Println("float:", math.Sqrt(2), math.Exp(1), math.Float64bits(0.1), 7.0/3.0)
	fmt.Println("textproc: done")
}
