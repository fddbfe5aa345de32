package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/currency-convertor-ecs/currency-api/internal/ecrregistry"
	"github.com/currency-convertor-ecs/currency-api/internal/image"
)

// pushImage writes o.platform's image of idx to o.push and returns the
// pushed reference by digest. The whole push, sign-in included, is bounded
// by o.pushTimeout.
func pushImage(ctx context.Context, o options, idx v1.ImageIndex) (string, error) {
	tag, err := name.NewTag(o.push, name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("-push %q: want REPOSITORY:TAG: %w", o.push, err)
	}
	img, err := image.ImageFor(idx, o.platform)
	if err != nil {
		return "", err
	}
	digest, err := img.Digest()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, o.pushTimeout)
	defer cancel()
	auth, err := authFor(ctx, tag.RegistryStr())
	if err != nil {
		return "", err
	}
	if err := remote.Write(tag, img, remote.WithAuth(auth), remote.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("push %s: %w", tag, err)
	}
	return tag.Context().Digest(digest.String()).String(), nil
}

// authFor signs in to registry: with an ECR authorization token for ECR
// (what `aws ecr get-login-password` prints, valid 12 hours), else with the
// Docker config's credentials for that registry, or anonymously.
func authFor(ctx context.Context, registry string) (authn.Authenticator, error) {
	ecrRegistry, ok := ecrregistry.Parse(registry)
	if !ok {
		r, err := name.NewRegistry(registry)
		if err != nil {
			return nil, err
		}
		return authn.DefaultKeychain.Resolve(r)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(ecrRegistry.Region))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration for %s: %w", registry, err)
	}
	return ecrAuth(ctx, ecr.NewFromConfig(cfg))
}

// tokenGetter is the part of *ecr.Client the sign-in needs.
type tokenGetter interface {
	GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// ecrAuth turns an ECR authorization token (base64 of "AWS:PASSWORD") into
// registry credentials.
func ecrAuth(ctx context.Context, client tokenGetter) (authn.Authenticator, error) {
	out, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return nil, fmt.Errorf("ecr GetAuthorizationToken: %w", err)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
		return nil, fmt.Errorf("ecr GetAuthorizationToken: no token in the answer")
	}
	raw, err := base64.StdEncoding.DecodeString(*out.AuthorizationData[0].AuthorizationToken)
	if err != nil {
		return nil, fmt.Errorf("ecr GetAuthorizationToken: the token is not base64: %w", err)
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, fmt.Errorf("ecr GetAuthorizationToken: the token is not USER:PASSWORD")
	}
	return authn.FromConfig(authn.AuthConfig{Username: user, Password: password}), nil
}
