package httpapi

import "sync"

// pathParams holds the names of each route path's parameters, found once:
// matching pathParam against the route's path at every request was two
// thirds of checking its parameters.
var pathParams sync.Map // route path -> []string

// paramNames returns the names of path's {parameters}, in order.
func paramNames(path string) []string {
	if names, ok := pathParams.Load(path); ok {
		return names.([]string)
	}
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	got, _ := pathParams.LoadOrStore(path, names)
	return got.([]string)
}
