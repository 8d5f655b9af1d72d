// go-vcr (Debian's golang-github-dnaeon-go-vcr-dev, v1) records an http.Client against
// server.py into go-vcr/errors.yaml, as a Go test would. Built in GOPATH mode against Debian's
// /usr/share/gocode by make_cassettes.sh, so no module download is needed.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/dnaeon/go-vcr/recorder"
)

type spec struct {
	Headers  map[string]string `json:"headers"`
	Requests []struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		JSON   json.RawMessage `json:"json"`
	} `json:"requests"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "record_govcr:", err)
		os.Exit(1)
	}
}

func run() error {
	here := os.Getenv("RECORDERS")
	out := filepath.Join(os.Getenv("OUT"), "go-vcr")
	base := os.Getenv("BASE")
	raw, err := os.ReadFile(filepath.Join(here, "requests.json"))
	if err != nil {
		return err
	}
	var s spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// The cassette does not exist yet, so the recorder records (it appends ".yaml").
	r, err := recorder.New(filepath.Join(out, "errors"))
	if err != nil {
		return err
	}
	// http.Client follows the redirect: the 301 and the 429 are recorded as two interactions.
	client := &http.Client{Transport: r}
	for _, req := range s.Requests {
		var body io.Reader
		if len(req.JSON) > 0 {
			body = bytes.NewReader(req.JSON)
		}
		httpReq, err := http.NewRequest(req.Method, base+req.Path, body)
		if err != nil {
			return err
		}
		for name, value := range s.Headers {
			httpReq.Header.Set(name, value)
		}
		if body != nil {
			httpReq.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(httpReq)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if err := r.Stop(); err != nil {
		return err
	}
	fmt.Println("wrote", filepath.Join(out, "errors.yaml"))
	return nil
}
