// The eight-level ladder (八级工), rank 1..8; 0 = no level recorded.
export const LEVELS = [
  { rank: 1, name: '学徒工' }, { rank: 2, name: '初级工' }, { rank: 3, name: '中级工' }, { rank: 4, name: '高级工' },
  { rank: 5, name: '技师' }, { rank: 6, name: '高级技师' }, { rank: 7, name: '特级技师' }, { rank: 8, name: '首席技师' },
]
export const levelName = (r) => (LEVELS.find((l) => l.rank === r) || { name: '未定级' }).name
export const GENDER = { M: '男', F: '女' }
