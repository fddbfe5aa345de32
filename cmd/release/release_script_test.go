package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/currency-convertor-ecs/currency-api/internal/motoserver"
)

// releaseKey is the pipeline module's default source_key.
const releaseKey = "source/currency-api.zip"

// TestReleaseScriptUploads runs scripts/release.sh on this repository, with
// the real AWS CLI uploading to moto_server (moto 5.2.1): the version ID it
// prints is the upload's, the object is the bundle, byte for byte, with its
// SHA-256 checksum; a bucket without versioning is refused, since the
// pipeline starts each build on an object version.
func TestReleaseScriptUploads(t *testing.T) {
	srv := motoserver.Start(t)
	motoserver.RequireTool(t, "aws")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts", "release.sh")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("the repository root: %v", err)
	}
	client := s3.NewFromConfig(srv.Config(motoserver.Region), func(o *s3.Options) { o.UsePathStyle = true })

	tests := []struct {
		name       string
		versioning s3types.BucketVersioningStatus // "" for never enabled
		wantCode   int
		wantStderr string // for a failure
	}{
		{name: "versioned bucket", versioning: s3types.BucketVersioningStatusEnabled},
		{
			name:       "bucket without versioning",
			wantCode:   1,
			wantStderr: "release: uploaded, but S3 returned no version ID: versioning is off on bucket BUCKET, and the pipeline needs it\n",
		},
		{
			// moto then answers without a version ID, as with versioning
			// never enabled; S3 may say "null", which the script also refuses.
			name:       "bucket with versioning suspended",
			versioning: s3types.BucketVersioningStatusSuspended,
			wantCode:   1,
			wantStderr: "versioning is off on bucket BUCKET, and the pipeline needs it\n",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			bucket := "currency-api-dev-source-" + string(rune('a'+i))
			if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{
				Bucket:                    aws.String(bucket),
				CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(motoserver.Region)},
			}); err != nil {
				t.Fatalf("CreateBucket: %v", err)
			}
			if tt.versioning != "" {
				if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
					Bucket:                  aws.String(bucket),
					VersioningConfiguration: &s3types.VersioningConfiguration{Status: tt.versioning},
				}); err != nil {
					t.Fatalf("PutBucketVersioning: %v", err)
				}
			}

			bundle := filepath.Join(t.TempDir(), "bundle.zip")
			stdout, stderr, code := runReleaseScript(t, srv, script, root,
				"SOURCE_BUCKET="+bucket, "SOURCE_KEY="+releaseKey, "BUNDLE="+bundle)
			if code != tt.wantCode {
				t.Fatalf("release.sh dev exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			if tt.wantCode != 0 {
				if want := strings.ReplaceAll(tt.wantStderr, "BUCKET", bucket); !strings.Contains(stderr, want) {
					t.Errorf("release.sh stderr = %q, want it to contain %q", stderr, want)
				}
				if strings.Contains(stdout, "release: uploaded ") {
					t.Errorf("release.sh stdout = %q, want no upload reported", stdout)
				}
				return
			}

			data, err := os.ReadFile(bundle)
			if err != nil {
				t.Fatalf("the bundle: %v", err)
			}
			sum := sha256.Sum256(data)
			// cmd/release names the digest of the file it wrote.
			if want := ", sha256 " + hex.EncodeToString(sum[:]) + ", RELEASE "; !strings.Contains(stdout, want) {
				t.Errorf("release.sh stdout = %q, want it to contain %q", stdout, want)
			}
			m := regexp.MustCompile(`(?m)^release: uploaded s3://` + regexp.QuoteMeta(bucket+"/"+releaseKey) + `, version (\S+)$`).FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("release.sh stdout = %q, want a line naming the uploaded version", stdout)
			}
			version := m[1]

			head, err := client.HeadObject(ctx, &s3.HeadObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(releaseKey), ChecksumMode: s3types.ChecksumModeEnabled,
			})
			if err != nil {
				t.Fatalf("HeadObject: %v", err)
			}
			if got := aws.ToString(head.VersionId); got != version {
				t.Errorf("current version of s3://%s/%s = %q, release.sh printed %q", bucket, releaseKey, got, version)
			}
			if got, want := aws.ToString(head.ChecksumSHA256), base64.StdEncoding.EncodeToString(sum[:]); got != want {
				t.Errorf("SHA-256 checksum of the object = %q, want %q (the bundle's)", got, want)
			}
			versions, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(releaseKey)})
			if err != nil {
				t.Fatalf("ListObjectVersions: %v", err)
			}
			var got []string
			for _, v := range versions.Versions {
				got = append(got, fmt.Sprintf("%s latest=%t", aws.ToString(v.VersionId), aws.ToBool(v.IsLatest)))
			}
			if want := []string{version + " latest=true"}; !slices.Equal(got, want) {
				t.Errorf("versions of s3://%s/%s = %q, want %q", bucket, releaseKey, got, want)
			}

			obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(releaseKey), VersionId: aws.String(version)})
			if err != nil {
				t.Fatalf("GetObject(version %s): %v", version, err)
			}
			defer obj.Body.Close()
			uploaded, err := io.ReadAll(obj.Body)
			if err != nil {
				t.Fatalf("read the object: %v", err)
			}
			if !bytes.Equal(uploaded, data) {
				t.Errorf("object = %d bytes, sha256 %x; want the bundle's %d bytes, sha256 %x", len(uploaded), sha256.Sum256(uploaded), len(data), sum)
			}
		})
	}
}

// runReleaseScript runs `release.sh dev` from the repository root with the
// AWS CLI pointed at srv, and returns its output and exit code.
func runReleaseScript(t *testing.T, srv *motoserver.Server, script, root string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	// It builds cmd/release with go run first.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "dev")
	cmd.Dir = root
	cmd.Env = append(srv.Env(),
		"DRY_RUN=",
		// No Terraform: its output codebuild_project_name, looked up after the
		// upload, would read this checkout's state, if any, through moto.
		"TF="+filepath.Join(t.TempDir(), "no-terraform"),
	)
	cmd.Env = append(cmd.Env, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		code = exit.ExitCode()
	default:
		t.Fatalf("release.sh dev: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	return out.String(), errOut.String(), code
}
