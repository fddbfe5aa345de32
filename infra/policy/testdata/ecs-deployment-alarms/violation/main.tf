variable "private_subnet_ids" {
  type = list(string)
}

locals {
  no_alarms = []
}

resource "aws_security_group" "task" {
  name = "task"
}

# Neither: a release is rolled back by nothing.
resource "aws_ecs_service" "unwatched" { # want "aws_ecs_service.unwatched: deployment_circuit_breaker \\{ enable = true, rollback = true \\} is missing" # want "aws_ecs_service.unwatched has no alarms block"
  name = "unwatched"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}

# Both blocks, but they only watch: nothing rolls back.
resource "aws_ecs_service" "watching" { # want "aws_ecs_service.watching: deployment_circuit_breaker"
  name = "watching"

  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }

  alarms { # want "alarms: enable must be true" # want "alarms: rollback must be true" # want "alarms: alarm_names must name the alarms"
    alarm_names = local.no_alarms
    enable      = false
    rollback    = false
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}
