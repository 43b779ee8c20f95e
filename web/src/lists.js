// lists.js — what list pages and their forms share: a server-paginated
// list with its filters, and a form whose refusals go next to the fields.
import { ref } from 'vue'
import { get } from './api.js'

// A page of `path` filtered by params() (a function returning the filters).
export function useList(path, params, perPage = 20) {
  const items = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')
  async function load(p) {
    if (typeof p === 'number') page.value = p
    loading.value = true
    try {
      const r = await get(path, { ...params(), page: page.value, per_page: perPage })
      items.value = r.items
      total.value = r.total ?? r.items.length
      error.value = ''
      return r
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }
  return { items, total, page, loading, error, load }
}

// Runs save(); on refusal fills fe (field -> message) and, when no field
// is named, formError.  Returns the saved value, or undefined.
export async function submitForm(fe, formError, busy, save) {
  for (const k of Object.keys(fe)) delete fe[k]
  formError.value = ''
  busy.value = true
  try {
    return await save()
  } catch (e) {
    Object.assign(fe, e.fields || {})
    if (!Object.keys(e.fields || {}).length) formError.value = e.message
  } finally {
    busy.value = false
  }
}
