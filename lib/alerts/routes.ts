import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const listAlertsRoute = /* @__PURE__ */ defineRoute({
  id: 'alerts.list',
  method: 'GET',
  paths: ['/api/alerts'],
  handler: 'functions/alerts/list.ts',
  auth: 'user',
  summary: "The caller's alerts from every tool's webhook, newest first (?connector= one tool's; ?cursor= where the previous page stopped; ?limit= 1 to 100, 50 by default)",
  request: { query: s.listAlertsQuery },
  responses: { 200: s.listAlertsResponse },
  errors: [400],
  capabilities: ['table'],
});

export const getAlertRoute = /* @__PURE__ */ defineRoute({
  id: 'alerts.get',
  method: 'GET',
  paths: ['/api/alerts/{alert_id}'],
  handler: 'functions/alerts/get.ts',
  auth: 'user',
  summary: 'One alert of the caller with the part of the delivery it came from (its raw_ref)',
  request: { params: s.alertParams },
  responses: { 200: s.alertResponse },
  errors: [404],
  capabilities: ['table'],
});

export const alertRoutes = [listAlertsRoute, getAlertRoute];
