// The container app that runs the bot's image, its Container Apps environment (logs to Log
// Analytics) and the registry it pulls from through the managed identity.
//
// Before each replica's app container, an init container runs the migration release step
// (`python app.py db upgrade`); PostgreSQL's advisory lock makes replicas that start together
// take turns, the later ones finding nothing to do. The app container then runs the image's
// own command, `python app.py serve --production`, which refuses an unmigrated database.

param environmentName string
param appName string
param registryName string
param location string
param tags object = {}
param identityId string
param identityClientId string
param identityPrincipalId string
param tenantId string
param containerImage string
param minimumReplicas int
param maximumReplicas int
param databaseUrlSecretUri string
param logAnalyticsCustomerId string
param logAnalyticsWorkspaceName string
param graphEnabled bool
param appSettings object

@description('CPU cores and memory of each replica (0.5 and 1Gi is the smallest that holds the app and its start-up).')
param cpuCores string = '0.5'
param memory string = '1Gi'

var port = 3978
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
// Before the first `deploy` pushes the bot's image, a public placeholder answers on port 80.
var placeholder = empty(containerImage)
var image = placeholder ? 'mcr.microsoft.com/k8se/quickstart:latest' : containerImage
// The settings the platform decides; appSettings adds the tenant's own (channel ids, admins).
var platformSettings = {
  MicrosoftAppType: 'UserAssignedMSI'
  MicrosoftAppId: identityClientId
  MicrosoftAppTenantId: tenantId
  ALLOWED_TENANT_IDS: tenantId
  PORT: string(port)
  HOST: '0.0.0.0'
  LOG_FORMAT: 'json'
  // The desk tab's pages and its SSO Application ID URI are on the app's own host name.
  PUBLIC_HOST: '${appName}.${environment.properties.defaultDomain}'
  // Graph as the managed identity, or not at all (an empty GRAPH_CLIENT_ID turns it off).
  GRAPH_CLIENT_ID: graphEnabled ? identityClientId : ''
}
var environmentVariables = concat(
  [for setting in items(union(appSettings, platformSettings)): {
    name: setting.key
    value: string(setting.value)
  }],
  [
    {
      name: 'DATABASE_URL'
      secretRef: 'database-url'
    }
  ])

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identityPrincipalId, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: acrPull
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalyticsCustomerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  dependsOn: [
    pull
  ]
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: placeholder ? 80 : port
        transport: 'auto'
        allowInsecure: false
      }
      registries: placeholder ? [] : [
        {
          server: registry.properties.loginServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'database-url'
          keyVaultUrl: databaseUrlSecretUri
          identity: identityId
        }
      ]
    }
    template: {
      initContainers: placeholder ? [] : [
        {
          name: 'migrate'
          image: image
          command: [
            'python'
            'app.py'
            'db'
            'upgrade'
          ]
          env: environmentVariables
          resources: {
            cpu: json(cpuCores)
            memory: memory
          }
        }
      ]
      containers: [
        {
          name: 'bot'
          image: image
          env: environmentVariables
          resources: {
            cpu: json(cpuCores)
            memory: memory
          }
          probes: placeholder ? [] : [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 5
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minimumReplicas
        maxReplicas: maximumReplicas
        rules: [
          {
            name: 'concurrent-requests'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

output appName string = app.name
output appResourceId string = app.id
output appFqdn string = app.properties.configuration.ingress.fqdn
output registryName string = registry.name
output registryLoginServer string = registry.properties.loginServer
