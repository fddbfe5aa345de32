variable "private_subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "task" {
  name = "task"
}

resource "aws_ecs_service" "this" {
  name = "api"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = ["api-target-5xx"]
    enable      = true
    rollback    = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}
