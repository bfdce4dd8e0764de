// Package grpcbroad is analysed with report-unknown-sources set: a unary gRPC handler's request
// message fields count as input only in that mode (package input pins the default: silent, with
// a fact).
package grpcbroad

import (
	"context"
	"sync"
)

func handle(string) {}

// BatchRequest and BatchReply stand for protobuf messages (they have ProtoReflect).
type BatchRequest struct{ Items []string }

func (*BatchRequest) ProtoReflect() {}

type BatchReply struct{}

func (*BatchReply) ProtoReflect() {}

type batchServer struct{}

// Batch is a unary gRPC handler: its request message's fields count as input only in the broad
// mode (by default they are a handful of keys the client wrote).
func (s *batchServer) Batch(ctx context.Context, req *BatchRequest) (*BatchReply, error) {
	var wg sync.WaitGroup
	for _, it := range req.Items {
		wg.Go(func() { handle(it) }) // want `sync.WaitGroup.Go in range over request message field req.Items starts one goroutine per item`
	}
	wg.Wait()
	return &BatchReply{}, nil
}

// BatchBounded is the near miss: the same request with errgroup-style bounding by a semaphore.
func (s *batchServer) BatchBounded(ctx context.Context, req *BatchRequest) (*BatchReply, error) {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, it := range req.Items {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			handle(it)
		})
	}
	wg.Wait()
	return &BatchReply{}, nil
}
