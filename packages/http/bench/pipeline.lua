-- wrk script: send `depth` (default 16) GET requests in one write and wait for all the answers
-- (HTTP/1.1 pipelining). Usage: wrk -s pipeline.lua URL -- 16
local depth = 16

init = function(args)
  depth = tonumber(args[1]) or depth
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format(nil, nil)
  end
  req = table.concat(r)
end

request = function()
  return req
end
