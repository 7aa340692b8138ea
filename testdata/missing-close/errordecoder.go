// Error decoders: a function that reads a failed response's body and
// leaves it open, called on the paths where the status is an error. The
// fix goes in the decoder when every call of it leaves the body open
// after it (go-openai's handleErrorResp, with the callers' shapes it has).
package errordecoder

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

type Client struct{ hc *http.Client }

func (c *Client) errorOf(resp *http.Response) error { // want `errorOf reads resp.Body and never closes it, and the calls on lines 34 and 47 leave it open after the call$`
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the error: %w", err)
	}
	return fmt.Errorf("status %d: %s", resp.StatusCode, body)
}

func (c *Client) Get(url string, v any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return c.errorOf(resp)
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func (c *Client) Raw(req *http.Request) (rc io.ReadCloser, err error) {
	var resp *http.Response
	resp, err = c.hc.Do(req)
	if err != nil {
		return
	}
	if resp.StatusCode >= 400 {
		err = c.errorOf(resp)
		return
	}
	rc = resp.Body
	return
}

// One caller closes the body after the call: the decoder is reported, and
// the other caller is fixed where it leaks.
func decode(resp *http.Response) error { // want `decode reads resp.Body and never closes it, and the call on line 70 leaves it open after the call \(no automatic fix: the call on line 84 does not leave it open after the call\)`
	var e struct{ Message string }
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return err
	}
	return fmt.Errorf("%s", e.Message)
}

func (c *Client) Delete(req *http.Request) error {
	resp, err := c.hc.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\) is left open at the return on line 71$`
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		err := decode(resp)
		return err
	}
	resp.Body.Close()
	return nil
}

func (c *Client) Put(req *http.Request) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return decode(resp)
	}
	return nil
}

// Exported: callers elsewhere are not seen.
func CheckResponse(resp *http.Response) error { // want `CheckResponse reads resp.Body and never closes it, and the call on line 103 leaves it open after the call \(no automatic fix: CheckResponse is exported, and its callers in other packages are not seen\)`
	if resp.StatusCode < 400 {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	return fmt.Errorf("%s", b)
}

func (c *Client) Post(req *http.Request) error {
	resp, err := c.hc.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\) is left open at the return on line 104$`
	if err != nil {
		return err
	}
	if err := CheckResponse(resp); err != nil {
		return err
	}
	return resp.Body.Close()
}

// The call in a branch: the other path reaches the return without it, so
// the caller keeps its own finding, and the reader is not blamed.
func errorBody(resp *http.Response) error {
	b, _ := io.ReadAll(resp.Body)
	return fmt.Errorf("%s", b)
}

func (c *Client) Patch(req *http.Request) error {
	resp, err := c.hc.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\) is never closed$`
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		err = errorBody(resp)
	}
	return err
}

// Two calls in one caller, both leaving the body open: both are named,
// and the fix goes in the reader.
func statusError(resp *http.Response) error { // want `statusError reads resp.Body and never closes it, and the calls on lines 140 and 143 leave it open after the call$`
	b, _ := io.ReadAll(resp.Body)
	return fmt.Errorf("%d: %s", resp.StatusCode, b)
}

func (c *Client) Options(req *http.Request) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNotFound {
		return statusError(resp)
	}
	if resp.StatusCode >= 400 {
		return statusError(resp)
	}
	resp.Body.Close()
	return nil
}
