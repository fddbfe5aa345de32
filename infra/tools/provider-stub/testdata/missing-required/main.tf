# Must FAIL validate: aws_ecs_task_definition requires "family".
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{ name = "api", image = "nginx", essential = true }])
}
