/**
 * Retaguarda for a team's Google Sheet: a menu, and the webhook that tells the service the
 * sheet changed.
 *
 * Installable edit and change triggers only queue a small event in the script's properties
 * (they run on every edit and must be quick); a time trigger, every minute, sends what is
 * queued as one signed POST and forgets it only after the service answers 2xx, so an edit is
 * never lost to a network error or a service being restarted. The events are hints: the service
 * reads the sheet itself, and also polls Drive for edits no trigger sees (API, IMPORTRANGE,
 * Forms).
 *
 * Script Properties (Extensões › Apps Script › Configurações do projeto), set once:
 *   RETAGUARDA_URL     the service's address, https://retaguarda.exemplo.com.br
 *   RETAGUARDA_SECRET  the source's webhook_secret (`retaguarda sources add ... --format json`)
 * Then run `instalarGatilhos` once (menu Retaguarda › Instalar gatilhos). See
 * docs/google-sheets.md.
 */

var WEBHOOK_PATH = '/webhooks/google-sheets';
var ACTIONS_PATH = '/webhooks/google-sheets/actions';
var QUEUE_PREFIX = 'retaguarda.evento.';
var SEQUENCE = 'retaguarda.sequencia';
/** at most this many events wait; past it, the oldest go and one "whole sheet" event stays */
var MAX_QUEUED = 300;
/** events per request: well under the service's body limit (256 KB) */
var BATCH = 100;

function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('Retaguarda')
    .addItem('Validar agora', 'validarAgora')
    .addItem('Sincronizar agora', 'sincronizarAgora')
    .addItem('Conciliar', 'conciliar')
    .addItem('Relatórios', 'relatorios')
    .addItem('Calcular folha', 'calcularFolha')
    .addSeparator()
    .addItem('Instalar gatilhos', 'instalarGatilhos')
    .addToUi();
}

/** Menu: ask the service to check this sheet now; the marks come back in a few seconds. */
function validarAgora() {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
  queueEvent_(sheet.getName(), '');
  tell_(sendQueued(), 'A conferência foi pedida; as marcações aparecem em instantes.');
}

/** Menu: send every queued edit now and ask for a sync of the whole spreadsheet. */
function sincronizarAgora() {
  queueEvent_('', '');
  tell_(sendQueued(), 'Sincronização pedida ao Retaguarda.');
}

/**
 * Menu: ask the service to reconcile the "Extrato bancário" sheet with the ledger; it writes
 * the "Conciliação" sheet here (keeping the decisions typed there) and says what it found.
 */
function conciliar() {
  return pedirAcao_('reconcile', 'Conciliar');
}

/**
 * Menu: ask the service for the reports the sheets allow (balancete, DRE, balanço, fluxo de
 * caixa, aging, folha, estoque); each is written as a sheet "Rel. …" here.
 */
function relatorios() {
  return pedirAcao_('reports', 'Relatórios');
}

/**
 * Menu: ask the service to compute the folha: it fills the empty INSS, IRRF, FGTS and Líquido
 * cells, marks in red a typed value that differs, and writes the "Memória de cálculo" sheet.
 */
function calcularFolha() {
  return pedirAcao_('payroll', 'Calcular folha');
}

/**
 * Run `action` of the service on this spreadsheet and show its answer (what was written, or
 * why not) in a toast; `label` is the menu entry, for the messages of a failure. The request is
 * signed like the webhooks and waits for the answer (the service gives up after 25 s).
 */
function pedirAcao_(action, label) {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var properties = PropertiesService.getScriptProperties();
  var url = properties.getProperty('RETAGUARDA_URL');
  var secret = properties.getProperty('RETAGUARDA_SECRET');
  if (!url || !secret) {
    spreadsheet.toast(
      label + ': defina RETAGUARDA_URL e RETAGUARDA_SECRET nas propriedades do script.',
      'Retaguarda'
    );
    return null;
  }
  var body = JSON.stringify({ spreadsheetId: spreadsheet.getId(), action: action });
  var timestamp = String(Math.floor(Date.now() / 1000));
  var message;
  try {
    var response = UrlFetchApp.fetch(url.replace(/\/+$/, '') + ACTIONS_PATH, {
      method: 'post',
      contentType: 'application/json; charset=utf-8',
      payload: body,
      headers: {
        'X-Retaguarda-Timestamp': timestamp,
        'X-Retaguarda-Signature': 'sha256=' + hmacHex_(secret, timestamp + '.' + body),
      },
      muteHttpExceptions: true,
      followRedirects: false,
    });
    var answer = {};
    try {
      answer = JSON.parse(response.getContentText());
    } catch (notJson) {
      // a proxy's HTML error page: its text is shown as it is
    }
    var status = response.getResponseCode();
    if (status === 200) message = answer.message;
    else {
      message = label + ': o Retaguarda respondeu ' + status + ': ' +
        (answer.error || response.getContentText());
    }
  } catch (failure) {
    message = label + ': sem resposta do Retaguarda (' + failure + ').';
  }
  spreadsheet.toast(message, 'Retaguarda', 30);
  return message;
}

/** Menu: the triggers that feed the webhook (run once per spreadsheet, by its owner). */
function instalarGatilhos() {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  ScriptApp.getProjectTriggers().forEach(function (trigger) {
    ScriptApp.deleteTrigger(trigger);
  });
  ScriptApp.newTrigger('aoEditar').forSpreadsheet(spreadsheet).onEdit().create();
  ScriptApp.newTrigger('aoMudar').forSpreadsheet(spreadsheet).onChange().create();
  ScriptApp.newTrigger('sendQueued').timeBased().everyMinutes(1).create();
  spreadsheet.toast('Gatilhos instalados: as edições serão enviadas ao Retaguarda.', 'Retaguarda');
}

/** Installable edit trigger: a cell or range was edited by a person. */
function aoEditar(e) {
  queueEvent_(e.range.getSheet().getName(), e.range.getA1Notation());
}

/** Installable change trigger: rows or columns inserted or removed, sheets added... (no range). */
function aoMudar(e) {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
  queueEvent_(sheet ? sheet.getName() : '', '');
}

/**
 * Time trigger (every minute): send the queued events, signed, in batches; each batch is
 * forgotten only after a 2xx. Returns what happened, for the menu to tell the user.
 */
function sendQueued() {
  var lock = LockService.getScriptLock();
  if (!lock.tryLock(20000)) return { sent: 0, kept: -1, error: 'outro envio em andamento' };
  try {
    var properties = PropertiesService.getScriptProperties();
    var url = properties.getProperty('RETAGUARDA_URL');
    var secret = properties.getProperty('RETAGUARDA_SECRET');
    var queued = queuedEvents_(properties);
    if (!url || !secret) {
      return { sent: 0, kept: queued.length, error: 'defina RETAGUARDA_URL e RETAGUARDA_SECRET' };
    }
    var sent = 0;
    for (var start = 0; start < queued.length; start += BATCH) {
      var batch = queued.slice(start, start + BATCH);
      var error = post_(url, secret, batch.map(function (item) { return item.event; }));
      if (error) return { sent: sent, kept: queued.length - sent, error: error };
      batch.forEach(function (item) { properties.deleteProperty(item.key); });
      sent += batch.length;
    }
    return { sent: sent, kept: 0, error: null };
  } finally {
    lock.releaseLock();
  }
}

function queueEvent_(sheet, range) {
  var lock = LockService.getScriptLock();
  lock.waitLock(20000);
  try {
    var properties = PropertiesService.getScriptProperties();
    var queued = queuedEvents_(properties);
    if (queued.length >= MAX_QUEUED) {
      // the service re-reads the whole sheet anyway: the oldest hints can go, one stays
      queued.slice(0, queued.length - MAX_QUEUED + 2).forEach(function (item) {
        properties.deleteProperty(item.key);
      });
      sheet = '';
      range = '';
    }
    var event = {
      spreadsheetId: SpreadsheetApp.getActiveSpreadsheet().getId(),
      sheet: sheet,
      range: range,
      eventId: Utilities.getUuid(),
      at: new Date().toISOString(),
    };
    // keys sort in the order the edits happened (two can share a millisecond)
    var next = Number(properties.getProperty(SEQUENCE) || 0) + 1;
    properties.setProperty(SEQUENCE, String(next));
    properties.setProperty(QUEUE_PREFIX + ('00000000000' + next).slice(-12), JSON.stringify(event));
  } finally {
    lock.releaseLock();
  }
}

function queuedEvents_(properties) {
  var all = properties.getProperties();
  return Object.keys(all)
    .filter(function (key) { return key.indexOf(QUEUE_PREFIX) === 0; })
    .sort()
    .map(function (key) { return { key: key, event: JSON.parse(all[key]) }; });
}

/** POST the events, signed; null on a 2xx, else why not (in Portuguese). */
function post_(url, secret, events) {
  var body = JSON.stringify(events);
  var timestamp = String(Math.floor(Date.now() / 1000));
  var options = {
    method: 'post',
    contentType: 'application/json; charset=utf-8',
    payload: body,
    headers: {
      'X-Retaguarda-Timestamp': timestamp,
      'X-Retaguarda-Signature': 'sha256=' + hmacHex_(secret, timestamp + '.' + body),
    },
    muteHttpExceptions: true,
    followRedirects: false,
  };
  try {
    var response = UrlFetchApp.fetch(url.replace(/\/+$/, '') + WEBHOOK_PATH, options);
    var status = response.getResponseCode();
    if (status >= 200 && status < 300) return null;
    var error = 'o Retaguarda respondeu ' + status + ': ' + response.getContentText();
    console.warn(error);
    return error;
  } catch (failure) {
    console.warn('Retaguarda fora do ar: ' + failure);
    return 'sem resposta do Retaguarda (' + failure + ')';
  }
}

/** HMAC-SHA256 as hex, over the UTF-8 bytes (without the charset, accents would sign wrong). */
function hmacHex_(key, value) {
  var signed = Utilities.computeHmacSha256Signature(value, key, Utilities.Charset.UTF_8);
  return signed
    .map(function (byte) { return ('0' + (byte & 0xff).toString(16)).slice(-2); })
    .join('');
}

function tell_(result, done) {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  if (result.error) {
    spreadsheet.toast(
      'Não foi possível falar com o Retaguarda: ' + result.error +
        '. As edições ficam guardadas e vão no próximo envio.',
      'Retaguarda'
    );
  } else {
    spreadsheet.toast(done, 'Retaguarda');
  }
}
