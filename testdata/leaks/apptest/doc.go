// Package apptest holds only tests.
package apptest
