package cell

import (
	"fmt"
	"strings"
	"testing"
)

// benchSession remembers 20 typical declarations from 10 cells.
func benchSession(b *testing.B) *Session {
	s := NewSessionWith(NewResolver(ResolverOptions{}))
	if err := s.Warm(); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		src := fmt.Sprintf(`import "sync"
// Worker%[1]d does a share of the work.
func Worker%[1]d(id int, jobs <-chan int, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- j * %[1]d
	}
}
type Stats%[1]d struct {
	mu    sync.Mutex
	count map[string]int
	start time.Time
}`, i)
		c, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.Compose(c, i+1)
		if err != nil {
			b.Fatal(err)
		}
		s.Commit(p)
	}
	if n := len(s.Decls()); n != 21 { // 20 + the shared sync import
		b.Fatalf("%d remembered declarations", n)
	}
	return s
}

const benchCell = `jobs := make(chan int, 100)
results := make(chan int, 100)
var wg sync.WaitGroup
for w := range 4 {
	wg.Add(1)
	go Worker3(w, jobs, results, &wg)
}
for i := range 50 {
	jobs <- i
}
close(jobs)
wg.Wait()
close(results)
sum := 0
for r := range results {
	sum += r
}
fmt.Println("sum", sum, strings.Repeat("=", 3), time.Since(time.Now()) < time.Second, rand.IntN(2) >= 0)`

// BenchmarkCompose composes a typical cell against 20 remembered
// declarations with a warm resolver: the per-cell cost before go build.
func BenchmarkCompose(b *testing.B) {
	s := benchSession(b)
	c, err := Parse(benchCell)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Compose(c, 11); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCompose includes parsing the cell.
func BenchmarkParseCompose(b *testing.B) {
	s := benchSession(b)
	b.ReportAllocs()
	for b.Loop() {
		c, err := Parse(benchCell)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Compose(c, 11); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeTypo shows that an unresolvable name costs no search.
func BenchmarkComposeTypo(b *testing.B) {
	s := benchSession(b)
	c, err := Parse(strings.Replace(benchCell, "fmt.Println", "fmtt.Println", 1))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Compose(c, 11); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarm is the one-time cost of indexing the standard library and
// reading the exports of ambiguous package names.
func BenchmarkWarm(b *testing.B) {
	for b.Loop() {
		if err := NewResolver(ResolverOptions{}).Warm(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdResolve is the first resolution of a fresh Resolver (index
// plus one ambiguous name), as without Warm.
func BenchmarkColdResolve(b *testing.B) {
	for b.Loop() {
		if _, ok := NewResolver(ResolverOptions{}).Resolve("rand", []string{"IntN"}); !ok {
			b.Fatal("unresolved")
		}
	}
}
