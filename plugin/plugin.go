// Package plugin is goroguard's golangci-lint v2 module plugin.
//
// Build a custom golangci-lint with it (see .custom-gcl.example.yml) and enable it:
//
//	linters:
//	  default: none
//	  enable: [goroguard]
//	  settings:
//	    custom:
//	      goroguard:
//	        type: module
//	        settings:
//	          disable: [hotcgo]
//	          spawnloop: {report-accept-loops: true}
//
// Each analyzer's settings have the names of its flags (goroguard help <analyzer>); unknown keys are
// an error.
package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/goroguard/goroguard/analyzers"
)

// Name is the plugin's name in golangci-lint's configuration and in //nolint directives.
const Name = "goroguard"

func init() {
	register.Plugin(Name, New)
}

// Settings is the plugin's configuration under linters.settings.custom.goroguard.settings.
type Settings struct {
	// Disable lists analyzers to turn off.
	Disable []string `json:"disable"`
	analyzers.Config
}

// Plugin builds the configured analyzers for golangci-lint.
type Plugin struct {
	settings Settings
}

// New decodes golangci-lint's settings; unknown keys and unknown analyzer names are errors.
func New(conf any) (register.LinterPlugin, error) {
	// DecodeSettings rejects unknown fields; it starts from zero values, so decode a second time
	// over the defaults to keep every option the user did not set at its documented default.
	if _, err := register.DecodeSettings[Settings](conf); err != nil {
		return nil, fmt.Errorf("goroguard settings: %w", err)
	}
	s := Settings{Config: analyzers.Default()}
	if conf != nil {
		raw, err := json.Marshal(conf)
		if err != nil {
			return nil, fmt.Errorf("goroguard settings: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("goroguard settings: %w", err)
		}
	}
	if _, err := analyzers.Build(s.Config, s.Disable); err != nil {
		return nil, err
	}
	return &Plugin{settings: s}, nil
}

// BuildAnalyzers returns fresh analyzer instances for each golangci-lint run.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return analyzers.Build(p.settings.Config, p.settings.Disable)
}

// GetLoadMode asks for type information: every goroguard analyzer needs it.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
