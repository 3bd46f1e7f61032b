// Package promquery asks a Prometheus server for a range of a query's
// values, through its HTTP API (GET /api/v1/query_range), with the
// standard library alone.
package promquery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Client queries one Prometheus server.
type Client struct {
	// URL is the server's base URL ("http://prometheus:9090").
	URL string
	// HTTP makes the requests; http.DefaultClient when nil.
	HTTP *http.Client
}

// maxAnswer bounds the answer read: a range of a few thousand points is a
// few hundred kilobytes.
const maxAnswer = 32 << 20

// QueryRange returns the values of a query that gives one series (a ratio,
// such as an error rate) from start to end, every step. A query that gives
// several series is refused: sum or aggregate it first. Points whose value
// is not a number (0/0 when there was no traffic) are left out.
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]debrief.RatePoint, error) {
	base, err := url.Parse(strings.TrimRight(c.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("prometheus: %q is not an http or https URL", c.URL)
	}
	q := url.Values{}
	q.Set("query", query)
	q.Set("start", strconv.FormatFloat(float64(start.UnixMilli())/1000, 'f', 3, 64))
	q.Set("end", strconv.FormatFloat(float64(end.UnixMilli())/1000, 'f', 3, 64))
	q.Set("step", strconv.FormatFloat(step.Seconds(), 'f', -1, 64))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/api/v1/query_range?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("prometheus: read the answer: %w", err)
	}
	return decode(resp.StatusCode, body)
}

// answer is the API's envelope around a range query's result.
type answer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// decode reads the answer to a range query.
func decode(status int, body []byte) ([]debrief.RatePoint, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("prometheus: status %d, an answer that is not the API's JSON: %.200s", status, body)
	}
	if a.Status != "success" {
		return nil, fmt.Errorf("prometheus: %s: %s", a.ErrorType, a.Error)
	}
	if a.Data.ResultType != "matrix" {
		return nil, fmt.Errorf("prometheus: the query gave a %s, not a range of values", a.Data.ResultType)
	}
	switch n := len(a.Data.Result); {
	case n == 0:
		return nil, nil
	case n > 1:
		return nil, fmt.Errorf("prometheus: the query gave %d series; make it give one (sum(...) / sum(...))", n)
	}
	var out []debrief.RatePoint
	for _, v := range a.Data.Result[0].Values {
		ts, ok1 := v[0].(float64)
		text, ok2 := v[1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("prometheus: a value that is not [time, \"number\"]: %v", v)
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("prometheus: value %q: %w", text, err)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		sec, frac := math.Modf(ts)
		out = append(out, debrief.RatePoint{At: time.Unix(int64(sec), int64(frac*1e9)).UTC().Round(time.Millisecond), Value: f})
	}
	return out, nil
}
