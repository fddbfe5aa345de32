locals {
  image = module.pipeline.image
}

module "pipeline" {
  source = "./../modules/pipeline_all"
}

module "service" {
  source = "../../service"
  image  = local.image
}

# The same module called twice reads the same output.
module "canary" {
  source = "../../service"
  image  = module.pipeline.image
}
