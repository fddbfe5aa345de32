package ecrregistry_test

import (
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/ecrregistry"
)

func TestParse(t *testing.T) {
	for host, want := range map[string]ecrregistry.Registry{
		"123456789012.dkr.ecr.eu-central-1.amazonaws.com":   {"123456789012", "eu-central-1"},
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn":  {"123456789012", "cn-north-1"},
		"123456789012.dkr.ecr-fips.us-east-1.amazonaws.com": {"123456789012", "us-east-1"},
		"public.ecr.aws":                {},
		"127.0.0.1:5000":                {},
		"12345.dkr.ecr.x.amazonaws.com": {},
		"123456789012.dkr.ecr.eu-central-1.amazonaws.com:443":  {},
		"123456789012.dkr.ecr.eu-central-1.amazonaws.com.evil": {},
	} {
		got, ok := ecrregistry.Parse(host)
		if got != want || ok != (want != ecrregistry.Registry{}) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", host, got, ok, want)
		}
	}
}
