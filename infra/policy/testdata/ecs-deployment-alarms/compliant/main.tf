variable "private_subnet_ids" {
  type = list(string)
}

variable "deployment_alarm_names" {
  description = "Alarms that roll a deployment back: the target group's 5xx rate and p99 latency."
  type        = list(string)
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
    alarm_names = var.deployment_alarm_names
    enable      = true
    rollback    = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}
