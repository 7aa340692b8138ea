// Types and functions that only look like the standard library's: matched
// by type, never by name, so nothing here is a finding.
package lookalike

type Response struct{ Body *Body }

type Body struct{}

func (*Body) Read([]byte) (int, error) { return 0, nil }
func (*Body) Close() error             { return nil }

type Client struct{}

func (*Client) Get(string) (*Response, error) { return &Response{}, nil }

type osLike struct{}

func (osLike) Open(string) (*Body, error) { return &Body{}, nil }

var os osLike

func Fetch(c *Client) error {
	resp, err := c.Get("http://example.com")
	if err != nil {
		return err
	}
	_ = resp
	return nil
}

func Open() {
	f, err := os.Open("x")
	if err != nil {
		return
	}
	_ = f
}
