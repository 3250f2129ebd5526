-- One kind of request of the load benchmark, as signed-in clients send it. Arguments after
-- `--`: the kind (list, show, search, file, health) and the file of sessions written by
-- sessions.py (one line per session: cookie, CSRF token, then the report ids it may open).

local kind, sessions_file, bodies_file = "list", "sessions.txt", "file-bodies.txt"
local sessions = {}
local bodies = {}
local counter = 0

function init(args)
  kind = args[1] or kind
  sessions_file = args[2] or sessions_file
  bodies_file = args[3] or bodies_file
  for line in io.lines(bodies_file) do bodies[#bodies + 1] = line end
  for line in io.lines(sessions_file) do
    local fields = {}
    for word in line:gmatch("%S+") do fields[#fields + 1] = word end
    local ids = {}
    for i = 3, #fields do ids[#ids + 1] = fields[i] end
    sessions[#sessions + 1] = { cookie = fields[1], csrf = fields[2], ids = ids }
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

local words = { "rinnovo", "permessi", "cittadinanza", "convocazione", "ricongiungimento",
  "appuntamenti", "lavoro", "protezione", "residenza", "documenti" }

local function key()
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
  local out = {}
  for i = 1, 22 do
    local n = math.random(1, #alphabet)
    out[i] = alphabet:sub(n, n)
  end
  return table.concat(out)
end

function request()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local headers = { ["Cookie"] = "__Host-sid=" .. s.cookie }
  if kind == "list" then
    return wrk.format("GET", "/segnalazioni?pagina=" .. math.random(1, 20), headers)
  elseif kind == "show" then
    return wrk.format("GET", "/segnalazioni/" .. s.ids[math.random(1, #s.ids)], headers)
  elseif kind == "search" then
    local q = words[math.random(1, #words)]
    return wrk.format("GET", "/segnalazioni/cerca?parole=" .. q, headers)
  elseif kind == "file" then
    -- The confirmation form of a review page, as sessions.py read it, with a new key.
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port
    headers["Sec-Fetch-Site"] = "same-origin"
    local body = bodies[(counter % #bodies) + 1]:gsub("submission_key=KEY", "submission_key=" .. key())
    return wrk.format("POST", "/segnalazioni/conferma", headers, body)
  else
    return wrk.format("GET", "/healthz", headers)
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  -- done() runs in a Lua state of its own, without init()'s arguments: load.sh names the kind.
  io.write(string.format("RESULT - %d %.1f %.2f %.2f %.2f %.2f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, failed))
end
