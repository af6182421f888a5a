// Parameters for a deployment by hand (docs/deploy.md):
//   export POSTGRES_ADMIN_PASSWORD="$(openssl rand -base64 32)"
//   az deployment group create -g RESOURCE_GROUP -f infra/main.bicep -p infra/main.bicepparam
// The password is read from the environment, never written here.
using './main.bicep'

param resourceBaseName = readEnvironmentVariable('FTA_RESOURCE_BASE_NAME', 'ftaassign')
param botDisplayName = 'FTA Assign'
param containerImage = readEnvironmentVariable('FTA_CONTAINER_IMAGE', '')
param minimumReplicas = 1
param maximumReplicas = 2
param postgresAdministratorLogin = 'ftaadmin'
param postgresAdministratorPassword = readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')
param postgresSkuName = 'Standard_B1ms'
param postgresStorageSizeGB = 32
param graphEnabled = bool(readEnvironmentVariable('FTA_GRAPH_ENABLED', 'false'))
// By the names settings.py reads. Channel ids come from Teams (a channel's link, "Get link").
param appSettings = {
  FTCHELP_CHANNEL_ID: readEnvironmentVariable('FTCHELP_CHANNEL_ID', '')
  FTA_MANAGERS_CHANNEL_ID: readEnvironmentVariable('FTA_MANAGERS_CHANNEL_ID', '')
  ACCOUNT_TEAM_CHANNELS: readEnvironmentVariable('ACCOUNT_TEAM_CHANNELS', '')
  ADMIN_AAD_IDS: readEnvironmentVariable('ADMIN_AAD_IDS', '')
  DEFAULT_TIMEZONE: readEnvironmentVariable('DEFAULT_TIMEZONE', 'UTC')
  DEFAULT_COUNTRY: readEnvironmentVariable('DEFAULT_COUNTRY', 'US')
  ASSIGNMENT_MAIL_SENDER: readEnvironmentVariable('ASSIGNMENT_MAIL_SENDER', '')
  FTAV2_ATTENDEES: readEnvironmentVariable('FTAV2_ATTENDEES', '')
  PLAYBOOK_BASE_URL: readEnvironmentVariable('PLAYBOOK_BASE_URL', '')
  // The desk tab's own app registration (docs/deploy.md): a managed identity exposes no API.
  TAB_CLIENT_ID: readEnvironmentVariable('TAB_CLIENT_ID', '')
}
