package viewer

import "testing"

func TestSlotRow(t *testing.T) {
	tests := []struct {
		name        string
		first, pool int
		want        []int // row of each slot
	}{
		{"top", 0, 4, []int{0, 1, 2, 3}},
		{"scrolled by one", 1, 4, []int{4, 1, 2, 3}},
		{"scrolled by three", 3, 4, []int{4, 5, 6, 3}},
		{"scrolled by a pool", 4, 4, []int{4, 5, 6, 7}},
		{"far", 10, 4, []int{12, 13, 10, 11}},
		{"no pool", 5, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for s, want := range tt.want {
				if got := SlotRow(tt.first, tt.pool, s); got != want {
					t.Errorf("SlotRow(%d, %d, %d) = %d, want %d", tt.first, tt.pool, s, got, want)
				}
			}
		})
	}
	// Every row of the window has one slot, and a slot keeps its row
	// while the window moves over it.
	const pool = 7
	for first := range 30 {
		seen := make(map[int]bool)
		for s := range pool {
			k := SlotRow(first, pool, s)
			if k < first || k >= first+pool || seen[k] {
				t.Fatalf("first %d: slot %d holds row %d", first, s, k)
			}
			seen[k] = true
			if k > first && SlotRow(first+1, pool, s) != k {
				t.Errorf("slot %d drops row %d when the window moves from %d to %d", s, k, first, first+1)
			}
		}
	}
}
