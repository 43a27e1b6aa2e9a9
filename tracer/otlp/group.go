package otlp

import "github.com/spanfall/spanfall/tracer/span"

// batch is spans grouped the way an ExportTraceServiceRequest nests them:
// by resource (Resource.ID, a nil Resource counting as ""), then by
// instrumentation scope (name and version). Groups come in order of first
// appearance and spans keep their input order within a group. MarshalJSON
// and MarshalProto both walk a batch, so the two encodings group alike.
type batch struct {
	resources []resourceGroup
	// scopes holds every resource's scope groups, resource after resource;
	// resourceGroup.first/end index it.
	scopes []scopeGroup
	// order holds span indices, scope group after scope group;
	// scopeGroup.first/end index it.
	order []int
	// scratch has one int per span, free for the encoder (MarshalProto keeps
	// span sizes in it).
	scratch []int
}

// resourceGroup is one ResourceSpans.
type resourceGroup struct {
	// attrs are the attributes of the first span's Resource with this ID.
	attrs      []span.KeyValue
	first, end int // range of batch.scopes
	size       int // encoded ResourceSpans size, set by MarshalProto
}

// scopeGroup is one ScopeSpans.
type scopeGroup struct {
	scope      span.Scope
	first, end int // range of batch.order
	size       int // encoded ScopeSpans size, set by MarshalProto
}

// groupKey identifies a scope group. It is a struct, not a joined string,
// so that no name or version can collide with another.
type groupKey struct{ rid, name, version string }

// grouper finds the group of each span. Spans of one group usually come in
// runs, so the last group is tried before the maps, which are only built
// once a second group appears.
type grouper struct {
	scopes  []pendingScope
	res     []pendingResource
	scopeIx map[groupKey]int
	resIx   map[string]int
	last    int
}

type pendingScope struct {
	key   groupKey
	res   int // index in grouper.res
	n     int // spans in the group
	slot  int // index in batch.scopes
	fill  int // next free index in batch.order
	scope span.Scope
}

type pendingResource struct {
	rid    string
	attrs  []span.KeyValue
	scopes int // scope groups in the resource
}

func (g *grouper) find(s *span.Span) int {
	k := groupKey{name: s.Scope.Name, version: s.Scope.Version}
	var attrs []span.KeyValue
	if s.Resource != nil {
		k.rid, attrs = s.Resource.ID, s.Resource.Attributes
	}
	if len(g.scopes) > 0 && g.scopes[g.last].key == k {
		return g.last
	}
	if len(g.scopes) > 0 && g.scopeIx == nil {
		g.scopeIx = map[groupKey]int{g.scopes[0].key: 0}
		g.resIx = map[string]int{g.res[0].rid: 0}
	}
	if i, ok := g.scopeIx[k]; ok {
		g.last = i
		return i
	}
	r, ok := g.resIx[k.rid]
	if !ok {
		r = len(g.res)
		g.res = append(g.res, pendingResource{rid: k.rid, attrs: attrs})
		if g.resIx != nil {
			g.resIx[k.rid] = r
		}
	}
	g.res[r].scopes++
	i := len(g.scopes)
	g.scopes = append(g.scopes, pendingScope{key: k, res: r, scope: s.Scope})
	if g.scopeIx != nil {
		g.scopeIx[k] = i
	}
	g.last = i
	return i
}

// groupSpans groups spans without copying them.
func groupSpans(spans []span.Span) batch {
	var b batch
	n := len(spans)
	if n == 0 {
		return b
	}
	work := make([]int, 2*n)
	gid, order := work[:n], work[n:]
	var g grouper
	for i := range spans {
		gid[i] = g.find(&spans[i])
		g.scopes[gid[i]].n++
	}

	// Lay the groups out resource after resource.
	b.resources = make([]resourceGroup, len(g.res))
	next := 0
	for r := range g.res {
		b.resources[r] = resourceGroup{attrs: g.res[r].attrs, first: next, end: next}
		next += g.res[r].scopes
	}
	b.scopes = make([]scopeGroup, len(g.scopes))
	for i := range g.scopes {
		ps := &g.scopes[i]
		rg := &b.resources[ps.res]
		ps.slot = rg.end
		rg.end++
		b.scopes[ps.slot] = scopeGroup{scope: ps.scope, end: ps.n}
	}
	next = 0
	for i := range b.scopes {
		sg := &b.scopes[i]
		sg.first, sg.end = next, next+sg.end
		next = sg.end
	}
	for i := range g.scopes {
		g.scopes[i].fill = b.scopes[g.scopes[i].slot].first
	}
	for i := range spans {
		ps := &g.scopes[gid[i]]
		order[ps.fill] = i
		ps.fill++
	}
	b.order, b.scratch = order, gid
	return b
}
