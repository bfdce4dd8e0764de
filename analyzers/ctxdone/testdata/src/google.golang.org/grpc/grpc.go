// Package grpc is a stand-in for google.golang.org/grpc: only what the tests need.
package grpc

import "net"

// Server serves until Stop or GracefulStop, after which Serve returns nil.
type Server struct{}

func NewServer() *Server                     { return &Server{} }
func (s *Server) Serve(l net.Listener) error { return nil }
func (s *Server) Stop()                      {}
func (s *Server) GracefulStop()              {}
