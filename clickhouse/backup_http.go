package clickhouse

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"saima"
)

// httpCopier copies Native data over a ClickHouse server's HTTP interface,
// which streams query output and INSERT input in any format. ClickHouse
// 18.16 runs INTO OUTFILE in clickhouse-client only, so the server cannot
// write the file for saima.
type httpCopier struct {
	opts   BackupOptions
	client *http.Client
}

func newHTTPCopier(opts BackupOptions) *httpCopier {
	return &httpCopier{opts: opts, client: &http.Client{}}
}

// dumpNative implements nativeCopier.
func (c *httpCopier) dumpNative(ctx context.Context, query, path string) error {
	// With wait_end_of_query the server sends its reply once the query has
	// run, so a failure part-way comes back as an error status rather than
	// as an error text after some of the rows.
	params := url.Values{"wait_end_of_query": {"1"}}
	resp, err := c.post(ctx, query+" FORMAT Native", params, strings.NewReader(""))
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, backupFileMode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadNative implements nativeCopier.
func (c *httpCopier) loadNative(ctx context.Context, table string, columns []Column, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	query := "INSERT INTO " + table + " (" + columnList(columns) + ") FORMAT Native"
	resp, err := c.post(ctx, "", url.Values{"query": {query}}, f)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// post sends body to the HTTP interface, with the query in the body when
// it is not empty and in the URL otherwise, and returns the response of a
// request that succeeded.
func (c *httpCopier) post(ctx context.Context, query string, params url.Values, body io.Reader) (*http.Response, error) {
	if params == nil {
		params = url.Values{}
	}
	if query != "" {
		body = strings.NewReader(query)
	}
	endpoint := "http://" + c.opts.HTTPAddr + "/?" + params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, body)
	if err != nil {
		return nil, err
	}
	// The credentials go in the Authorization header, which ClickHouse
	// 18.16 reads as HTTP basic authentication, because a URL parameter
	// reaches the logs of proxies and of the server itself.
	req.SetBasicAuth(c.opts.User, c.opts.Password)
	resp, err := c.client.Do(req)
	if err != nil {
		// The url.Error repeats the whole URL, and the message below names
		// the address already.
		err = fmt.Errorf("ClickHouse HTTP interface %s: %w", c.opts.HTTPAddr, unwrapURLError(err))
		return nil, saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
			"无法连接 ClickHouse 服务器的 HTTP 接口 %s。请确认服务器在运行、开放了 HTTP 端口，"+
				"并用 --ch-http-addr 给出正确的地址（默认是 --ch-addr 的主机加端口 8123）", c.opts.HTTPAddr), err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, &QueryError{Engine: "server", Message: strings.TrimSpace(string(msg)), Query: query}
	}
	return resp, nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
