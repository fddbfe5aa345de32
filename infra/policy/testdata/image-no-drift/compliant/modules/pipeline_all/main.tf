# The other ways to write it: value (sensitive) read through nonsensitive,
# ignore_changes = all, the name passed by a dynamic environment_variable
# over a local map.
locals {
  build_environment = {
    REPOSITORY_URL  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api"
    IMAGE_PARAMETER = aws_ssm_parameter.image.name
  }
}

resource "aws_ssm_parameter" "image" {
  name  = "/api/image"
  type  = "String"
  value = "bootstrap"

  lifecycle {
    ignore_changes = all
  }
}

output "image" {
  description = "The image the pipeline deployed last."
  value       = nonsensitive(aws_ssm_parameter.image.value)
}
