// A fix in a test file and one in client.go: cancelOnClose goes at the end
// of client.go, though a_test.go comes first by name, since the package's
// code outside its tests must see it; the test's fix uses it too.
package withtest

import (
	"context"
	"net/http"
	"time"
)

func Open(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context`
	return c.Do(req.WithContext(ctx))
}
