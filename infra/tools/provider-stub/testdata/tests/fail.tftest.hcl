# Deliberately failing: proves that a false assert makes `tofu test` fail
# (exit non-zero) with the stub, i.e. asserts are really evaluated.
mock_provider "aws" {}

run "deliberately_failing_assert" {
  command = plan

  assert {
    condition     = aws_s3_bucket.logs.bucket == "not-the-configured-name"
    error_message = "deliberate failure: the bucket name is not-the-configured-name"
  }
}
