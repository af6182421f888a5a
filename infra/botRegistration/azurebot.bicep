// The Azure Bot registration, as the Microsoft 365 Agents Toolkit templates make it: the bot's
// identity is the user-assigned managed identity (new multi-tenant bots stopped in July 2025),
// its messaging endpoint the container app, and the Teams channel on. F0 suffices: Teams is a
// standard channel, free and unmetered.

@maxLength(64)
param botServiceName string

@maxLength(42)
param botDisplayName string

@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@description('Client id of the managed identity: the bot id (MicrosoftAppId, the manifest\'s botId).')
param identityClientId string
param identityResourceId string
param identityTenantId string

@description('Host name the bot is reached at, without scheme.')
param botAppDomain string

param tags object = {}

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  tags: tags
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

output botServiceName string = botService.name
output messagingEndpoint string = botService.properties.endpoint
