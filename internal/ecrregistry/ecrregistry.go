// Package ecrregistry recognises the host of a private Amazon ECR registry,
// which names the account and the region the registry's API is in: the
// image builder signs in there, the deploy step reads scan findings there.
package ecrregistry

import "regexp"

// Registry is a private ECR registry, read from its host.
type Registry struct {
	Account string // the 12-digit AWS account ID
	Region  string // e.g. eu-central-1
}

// host is ACCOUNT.dkr.ecr.REGION.amazonaws.com, its FIPS endpoint
// ACCOUNT.dkr.ecr-fips.REGION.amazonaws.com, or either under .amazonaws.com.cn
// in the China regions
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html).
var host = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

// Parse reads a registry host (no path, no port); false when it is not a
// private ECR registry's.
func Parse(registryHost string) (Registry, bool) {
	m := host.FindStringSubmatch(registryHost)
	if m == nil {
		return Registry{}, false
	}
	return Registry{Account: m[1], Region: m[2]}, true
}
