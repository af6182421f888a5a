// One Log Analytics workspace for every log: the container app's console (the app writes JSON
// lines, LOG_FORMAT=json), its system events, and PostgreSQL's diagnostics.

param name string
param location string
param tags object = {}

@description('Days logs are kept; 30 is included in the pay-as-you-go price.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

output workspaceId string = workspace.id
output workspaceName string = workspace.name
output customerId string = workspace.properties.customerId
