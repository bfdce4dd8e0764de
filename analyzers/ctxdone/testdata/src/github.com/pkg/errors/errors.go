// Package errors is a stand-in for github.com/pkg/errors: only what the tests need.
package errors

import stderrors "errors"

func Is(err, target error) bool { return stderrors.Is(err, target) }
func New(msg string) error      { return stderrors.New(msg) }
