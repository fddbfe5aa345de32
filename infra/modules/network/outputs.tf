output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Names of the availability zones used, in the order of the subnet lists."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per AZ, in the order of azs."
  value       = [for az in local.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per AZ, in the order of azs."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per AZ, in the order of azs (for gateway endpoints)."
  value       = [for az in local.azs : aws_route_table.private[az].id]
}

output "nat_gateway_public_ips" {
  description = "Public IPs of the NAT gateways (the VPC's egress addresses, e.g. for an upstream allow list), in the order of azs."
  value       = [for az in local.nat_azs : aws_eip.nat[az].public_ip]
}
