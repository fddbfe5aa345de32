module "pipeline" {
  source = "../modules/pipeline"
}

module "service" {
  source = "../../service"
  image  = module.pipeline.image
}
