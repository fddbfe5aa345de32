variable "container_definitions" {
  type = string
}

resource "aws_ecs_task_definition" "root" {
  family = "root"
  container_definitions = jsonencode([ # want "container \"api\" runs as root" # want "container \"sidecar\" sets no literal user" # want "container \"sidecar\" does not set readonlyRootFilesystem" # want "container \"sidecar\" sets privileged"
    {
      name                   = "api"
      image                  = "api:1"
      user                   = "0:0"
      readonlyRootFilesystem = true
    },
    {
      name       = "sidecar"
      image      = "sidecar:1"
      privileged = true
    },
  ])
}

resource "aws_ecs_task_definition" "opaque" {
  family                = "opaque"
  container_definitions = var.container_definitions # want "cannot be read without evaluation"
}
