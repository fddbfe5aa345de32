variable "public_subnet_ids" {
  type = list(string)
}

variable "private_subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "task" {
  name = "task"
}

resource "aws_ecs_service" "public" {
  name = "public"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = ["api-target-5xx"]
    enable      = true
    rollback    = true
  }

  network_configuration { # want "must set assign_public_ip = false" # want "refer to var.public_subnet_ids"
    subnets          = var.public_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = true
  }
}

resource "aws_ecs_service" "implicit" {
  name = "implicit"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = ["api-target-5xx"]
    enable      = true
    rollback    = true
  }

  network_configuration { # want "must set assign_public_ip = false"
    subnets         = var.private_subnet_ids
    security_groups = [aws_security_group.task.id]
  }
}
