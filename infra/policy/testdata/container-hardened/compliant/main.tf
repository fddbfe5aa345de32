locals {
  container = {
    name                   = "api"
    image                  = "api:1"
    user                   = "65532:65532"
    readonlyRootFilesystem = true
  }
}

resource "aws_ecs_task_definition" "this" {
  family                = "api"
  container_definitions = jsonencode([local.container])
}

resource "aws_ecs_task_definition" "inline" {
  family = "inline"
  container_definitions = jsonencode([
    merge(local.container, { name = "sidecar", privileged = false }),
  ])
}
