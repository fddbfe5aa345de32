locals {
  build_environment = {
    IMAGE_PARAMETER = aws_ssm_parameter.image.name
    DIGEST          = aws_ssm_parameter.digest.arn
  }
}

# No ignore_changes: Terraform puts "bootstrap" back.
resource "aws_ssm_parameter" "image" { # want "aws_ssm_parameter.image: lifecycle ignore_changes must include insecure_value \\(or be all\\).*the next terraform apply would roll the service back"
  name           = "/api/image"
  type           = "String"
  insecure_value = "bootstrap"
}

# Ignores value, but Terraform sets insecure_value; and the build is given
# the parameter's value instead of its name.
resource "aws_ssm_parameter" "tag" { # want "aws_ssm_parameter.tag: lifecycle ignore_changes must include insecure_value" # want "aws_ssm_parameter.tag: no aws_codebuild_project of this module passes aws_ssm_parameter.tag.name in a plain-text environment_variable"
  name           = "/api/tag"
  type           = "String"
  insecure_value = "bootstrap"

  lifecycle {
    ignore_changes = [value]
  }
}

# Nothing tells the build where to write.
resource "aws_ssm_parameter" "digest" { # want "aws_ssm_parameter.digest: no aws_codebuild_project of this module passes aws_ssm_parameter.digest.name.*the next terraform apply would roll the service back"
  name           = "/api/digest"
  type           = "String"
  insecure_value = "bootstrap"

  lifecycle {
    ignore_changes = all
  }
}

output "image" {
  description = "The image the pipeline deployed last."
  value       = aws_ssm_parameter.image.insecure_value
}

output "tag" {
  description = "The tag the pipeline deployed last."
  value       = aws_ssm_parameter.tag.insecure_value
}

output "digest" {
  description = "The digest the pipeline deployed last."
  value       = aws_ssm_parameter.digest.insecure_value
}
