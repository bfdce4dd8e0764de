// Package flags is a stub of github.com/jessevdk/go-flags.
package flags

// Commander is what a command of the command tree implements.
type Commander interface {
	Execute(args []string) error
}

// Parser parses a command line into a struct of options and commands.
type Parser struct{}

// NewParser returns a parser for data.
func NewParser(data interface{}, options int) *Parser { return &Parser{} }

// Parse parses os.Args.
func (p *Parser) Parse() ([]string, error) { return nil, nil }

// Default is the default set of parser options.
const Default = 0
