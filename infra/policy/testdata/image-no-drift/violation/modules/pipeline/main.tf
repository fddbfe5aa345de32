variable "ecr_repository_url" {
  type = string
}

resource "aws_ssm_parameter" "image" {
  name           = "/api/image"
  type           = "String"
  insecure_value = "bootstrap"

  lifecycle {
    ignore_changes = [insecure_value]
  }
}

output "image" {
  description = "The image the pipeline deployed last."
  value       = aws_ssm_parameter.image.insecure_value
}

output "repository_url" { # want "output \"repository_url\" is used as a service image but does not read an aws_ssm_parameter of this module"
  description = "The repository the pipeline pushes to."
  value       = var.ecr_repository_url
}
