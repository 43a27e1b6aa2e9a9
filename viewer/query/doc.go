// Package query is the viewer's query language: a small boolean language
// over stored spans, parsed once ([Parse]) and evaluated on each span
// ([Query.Match]) or on a whole trace ([Query.MatchTrace]).
//
//	http.response.status_code>=500 and url.full~"/api"
//	resource.service.name=checkout (duration>100ms or status=error)
//	event.exception.type~Timeout not name~health
//	timeout
//
// A comparison is a field, an operator (= != ~ !~ > >= < <=) and a value;
// a bare word or quoted string searches span names, attribute values and
// event names. Terms side by side are and-ed; and, or, not (or &&, ||, !)
// and parentheses combine them. docs/query.md is the user's reference.
//
// A parse error is an [*Error] carrying the byte offset of the offending
// character, so that the viewer can point at it. The package is plain Go
// with no I/O.
package query
