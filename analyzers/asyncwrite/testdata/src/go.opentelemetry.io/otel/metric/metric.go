// Package metric is a stub of OpenTelemetry's metric API: its instruments take a context only to
// read values from it (the span for exemplars, baggage).
package metric

import "context"

type AddOption interface{}

type RecordOption interface{}

type Int64Counter interface {
	Add(ctx context.Context, incr int64, options ...AddOption)
}

type Float64Histogram interface {
	Record(ctx context.Context, incr float64, options ...RecordOption)
}
